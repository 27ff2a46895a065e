/** What add() returns. Params are computed on demand: most consumers never read them. */
import type { MinedLine } from './types.js';
import { WILDCARD } from '../mask/token.js';
import { createTokenBuffers, tokenize } from './tokenize.js';

export class MinedResult implements MinedLine {
  constructor(
    readonly templateId: string,
    readonly template: string,
    readonly isNew: boolean,
    private readonly tokens: readonly string[],
    private readonly content: string,
  ) {}

  /** The line's tokens at the template's variable positions (whole token when the template has `<*>` inside it). */
  get params(): string[] {
    const buf = createTokenBuffers();
    tokenize(this.content, buf, false);
    const out: string[] = [];
    if (buf.length === this.tokens.length) {
      for (let i = 0; i < buf.length; i++) if (this.tokens[i].includes(WILDCARD)) out.push(buf.raw[i]);
      return out;
    }
    // a variable spanning several tokens: the tokens that are not the template's constants
    const constants = new Set(this.tokens.filter((t) => !t.includes(WILDCARD)));
    for (let i = 0; i < buf.length; i++) if (!constants.has(buf.raw[i])) out.push(buf.raw[i]);
    return out;
  }
}
