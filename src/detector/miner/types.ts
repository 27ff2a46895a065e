/**
 * The contract between template mining and the detectors. Mining is online: one pass, templates
 * generalise as lines arrive; ids stay stable for the life of a miner state (and across runs when
 * the state is persisted in the baseline model).
 */
export interface MinedLine {
  readonly templateId: string;
  /** The template as it stands after this line, variables rendered as `<*>`. */
  readonly template: string;
  /** The values of this line at the template's `<*>` positions (masked values included). */
  readonly params: readonly string[];
  /** True when this line created the template. */
  readonly isNew: boolean;
}

export interface TemplateInfo {
  readonly id: string;
  readonly template: string;
  readonly count: number;
}

/** JSON-serialisable; opaque to everyone but the miner. */
export interface MinerState {
  readonly kind: string;
  readonly version: number;
  readonly data: unknown;
}

export interface TemplateMiner {
  /**
   * Mines the message `content.slice(from)`. Handing over the whole line and the message's offset
   * (instead of the sliced message) lets the tokenizer read a flat string, which V8 reads faster.
   */
  add(content: string, from?: number): MinedLine;
  /** Like add, but never creates or changes templates (for scoring against a frozen baseline). */
  match?(content: string, from?: number): MinedLine | undefined;
  template(id: string): string | undefined;
  /**
   * The id a template goes by now: a merge folds a family into its oldest member, so an id handed
   * out earlier may stand for the survivor's. Unknown ids resolve to themselves.
   */
  resolve?(id: string): string;
  templates(): TemplateInfo[];
  toState(): MinerState;
}

export interface MinerOptions {
  /** Extra masking regexes (each match becomes `<*>`), applied after the built-in maskers. */
  readonly masks?: readonly RegExp[];
  /** Resume from a persisted state (stable ids across runs). */
  readonly state?: MinerState;
}

/** One line after format parsing. */
export interface ParsedLine {
  /** The message part that is mined. */
  readonly content: string;
  /** Epoch ms; null when the line has none or it did not parse. */
  readonly timestamp: number | null;
  readonly level?: string;
  readonly stream?: string;
  /** Other header fields (loghub format) or top-level JSON fields, as strings. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Where the message starts in the line the parser was given, when the message is the rest of
   * that line (content === line.slice(contentStart)); -1 or absent otherwise. The miner can then
   * read the line itself (see TemplateMiner.add).
   */
  readonly contentStart?: number;
}
