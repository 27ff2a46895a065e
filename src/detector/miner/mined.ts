/** What add() returns. Params are computed on demand: most consumers never read them. */
import type { MinedLine } from './types.js';
import { WILDCARD } from '../mask/token.js';

const SPACE = /\s+/;

export class MinedResult implements MinedLine {
  constructor(
    readonly templateId: string,
    readonly template: string,
    readonly isNew: boolean,
    private readonly tokens: readonly string[],
    private readonly content: string,
    /** The message is content.slice(from) (see TemplateMiner.add). */
    private readonly from = 0,
  ) {}

  /** The line's tokens at the template's variable positions (whole token when the template has `<*>` inside it). */
  get params(): string[] {
    const raw = this.content.slice(this.from).trim().split(SPACE).filter((t) => t.length > 0);
    const out: string[] = [];
    if (raw.length === this.tokens.length) {
      for (let i = 0; i < raw.length; i++) if (this.tokens[i].includes(WILDCARD)) out.push(raw[i]);
      return out;
    }
    // a variable spanning several tokens: the tokens that are not the template's constants
    const constants = new Set(this.tokens.filter((t) => !t.includes(WILDCARD)));
    for (const t of raw) if (!constants.has(t)) out.push(t);
    return out;
  }
}
