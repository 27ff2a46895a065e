/**
 * A small declarative validator over YAML documents that keeps every node's position, so an error
 * reads `settings.yaml:12:5 thresholds.spikeFactor: expected a number > 1, got "high"`.
 * Schemas are plain functions from a YAML node to a typed value; they throw ConfigError.
 */
import { isAlias, isMap, isScalar, isSeq, Lexer, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ConfigError, ErrorCode } from '../errors.js';
import { userRegexProblem } from '../util/linear-regex.js';

type Code = typeof ErrorCode.CONFIG_INVALID | typeof ErrorCode.SETTINGS_INVALID;

export interface At {
  readonly file: string;
  readonly code: Code;
  readonly lc: LineCounter;
  readonly path: string;
  /** The node being validated, or its parent when the key is missing (for the position). */
  readonly node: Node | null;
  /** For resolving aliases (`*name`). */
  readonly doc?: Document.Parsed;
  /** Alias resolutions left: a config from the network must not expand exponentially ("billion laughs"). */
  readonly budget?: { aliases: number };
}

export const MAX_ALIASES = 1000;
/** Settings and detection configs are hand-written: anything larger is a mistake or an attack. */
export const MAX_YAML_BYTES = 1024 * 1024;

/**
 * Refuses what would be slow to even parse, before parsing: a body over MAX_YAML_BYTES, or more
 * than MAX_ALIASES alias tokens (the lexer finds them in milliseconds; composing 200k aliases
 * takes seconds, expanding them far longer).
 */
function checkSize(text: string, file: string, code: Code): void {
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_YAML_BYTES) {
    throw new ConfigError(code, { file, line: 1, column: 1 }, `the document is ${bytes} bytes; at most ${MAX_YAML_BYTES} (1 MiB) are accepted`);
  }
  let aliases = 0;
  for (const token of new Lexer().lex(text)) {
    // an alias token starts with `*`; quoted and block scalars start with their own indicator
    if (token.charCodeAt(0) === 42 && ++aliases > MAX_ALIASES) {
      throw new ConfigError(code, { file, line: 1, column: 1 }, `too many alias references (more than ${MAX_ALIASES})`);
    }
  }
}

/** `*name` stands for the node anchored as `&name`; everything else is itself. */
function deref(node: Node | null, at: At): Node | null {
  if (!node || !isAlias(node)) return node;
  if (!at.doc || !at.budget || --at.budget.aliases < 0) fail(at, `too many alias references (at most ${MAX_ALIASES})`, node);
  return (node.resolve(at.doc) as Node | undefined) ?? null;
}

export type Schema<T> = (node: Node | null, at: At) => T;

export function fail(at: At, problem: string, node: Node | null = at.node): never {
  const offset = node?.range?.[0];
  const pos = offset === undefined ? undefined : at.lc.linePos(offset);
  throw new ConfigError(at.code, { file: at.file, line: pos?.line, column: pos?.col, field: at.path || undefined }, problem);
}

/**
 * Where a mapping's key holds its value (`file`, line, column, field path), kept with the parsed
 * value when a problem can only be found later (an environment variable unset at run time).
 */
export function positionOf(node: Node | null, key: string, at: At): { file: string; line?: number; column?: number; field: string } {
  const value = isMap(node) ? ((node.get(key, true) as Node | undefined) ?? null) : null;
  const offset = value?.range?.[0];
  const pos = offset === undefined ? undefined : at.lc.linePos(offset);
  return { file: at.file, ...(pos ? { line: pos.line, column: pos.col } : {}), field: at.path ? `${at.path}.${key}` : key };
}

function child(at: At, key: string | number, node: Node | null): At {
  const path = typeof key === 'number' ? `${at.path}[${key}]` : at.path ? `${at.path}.${key}` : key;
  return { ...at, path, node: node ?? at.node };
}

/** How a value looks in a message: quoted strings, plain numbers, "a list", "a mapping". */
export function describe(node: Node | null): string {
  if (node === null) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'null';
    const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
    return s.length > 60 ? s.slice(0, 57) + '..."' : s;
  }
  return 'an unsupported value';
}

export const str =
  (opts: { nonEmpty?: boolean; pattern?: RegExp; what?: string } = {}): Schema<string> =>
  (node, at) => {
    if (!isScalar(node) || typeof node.value !== 'string') fail(at, `expected ${opts.what ?? 'a string'}, got ${describe(node)}`);
    const v = node.value;
    if ((opts.nonEmpty ?? true) && v.trim() === '') fail(at, `expected ${opts.what ?? 'a non-empty string'}, got ""`);
    if (opts.pattern && !opts.pattern.test(v)) fail(at, `expected ${opts.what ?? `a string matching ${opts.pattern}`}, got ${describe(node)}`);
    return v;
  };

/** A string, but a YAML number is accepted as written (`version: 1.10` means "1.10", not "1.1"). */
export const strOrNum = (): Schema<string> => (node, at) => {
  if (isScalar(node) && typeof node.value === 'number') return node.source ?? String(node.value);
  return str()(node, at);
};

export const num =
  (opts: { min?: number; gt?: number; max?: number; int?: boolean } = {}): Schema<number> =>
  (node, at) => {
    const bounds = [
      opts.gt !== undefined ? `> ${opts.gt}` : '',
      opts.min !== undefined ? `>= ${opts.min}` : '',
      opts.max !== undefined ? `<= ${opts.max}` : '',
    ].filter(Boolean).join(' and ');
    const what = `${opts.int ? 'an integer' : 'a number'}${bounds ? ' ' + bounds : ''}`;
    if (!isScalar(node) || typeof node.value !== 'number' || !Number.isFinite(node.value)) fail(at, `expected ${what}, got ${describe(node)}`);
    const v = node.value;
    if ((opts.int && !Number.isInteger(v)) || (opts.gt !== undefined && !(v > opts.gt)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
      fail(at, `expected ${what}, got ${describe(node)}`);
    }
    return v;
  };

export const bool = (): Schema<boolean> => (node, at) => {
  if (!isScalar(node) || typeof node.value !== 'boolean') fail(at, `expected true or false, got ${describe(node)}`);
  return node.value;
};

export const oneOf =
  <const T extends string>(values: readonly T[]): Schema<T> =>
  (node, at) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !values.includes(node.value as T)) {
      fail(at, `expected one of ${values.join(', ')}, got ${describe(node)}`);
    }
    return node.value as T;
  };

/** A scalar read one way, a mapping another (`- ops@example.com` or `- { to: ops@example.com, ... }`). */
export const scalarOrMap =
  <T>(scalar: Schema<T>, map: Schema<T>): Schema<T> =>
  (node, at) =>
    isMap(node) ? map(node, at) : scalar(node, at);

/** A string that must compile as a JavaScript regular expression that runs in linear time (util/linear-regex). */
export const regex = (): Schema<string> => (node, at) => {
  const v = str()(node, at);
  const problem = userRegexProblem(v);
  if (problem !== undefined) fail(at, problem);
  return v;
};

export const list =
  <T>(item: Schema<T>, opts: { min?: number; single?: boolean } = {}): Schema<T[]> =>
  (node, at) => {
    // `paths: logs/*.log` is as clear as a one-item list; accept it where a single value makes sense.
    if (opts.single && isScalar(node)) return [item(node, at)];
    if (!isSeq(node)) fail(at, `expected a list, got ${describe(node)}`);
    const out = node.items.map((n, i) => {
      const itemAt = child(at, i, n as Node);
      return item(deref(n as Node, itemAt), itemAt);
    });
    if (opts.min !== undefined && out.length < opts.min) fail(at, `expected at least ${opts.min} item${opts.min === 1 ? '' : 's'}, got ${out.length}`);
    return out;
  };

export interface Field<T> {
  readonly schema: Schema<T>;
  readonly required?: boolean;
  readonly default?: T | (() => T);
}

export const req = <T>(schema: Schema<T>): Field<T> => ({ schema, required: true });
export const opt = <T>(schema: Schema<T>): Field<T | undefined> => ({ schema });
export const def = <T>(schema: Schema<T>, value: T | (() => T)): Field<T> => ({ schema, default: value });

type Shape = Record<string, Field<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

function closest(word: string, options: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const o of options) {
    const d = editDistance(word.toLowerCase(), o.toLowerCase());
    if (d < bestD) [best, bestD] = [o, d];
  }
  return bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = dp[0];
    dp[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = dp[j];
      dp[j] = Math.min(dp[j] + 1, dp[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return dp[b.length];
}

export interface ObjectOptions {
  /** Keys that must never appear, with the message to give (e.g. secrets that belong in env vars). */
  readonly forbidden?: Readonly<Record<string, string>>;
  /** Keys accepted and ignored (e.g. `type` consumed by a tagged union). */
  readonly ignore?: readonly string[];
}

export const obj =
  <S extends Shape>(shape: S, opts: ObjectOptions = {}): Schema<Out<S>> =>
  (node, at) => {
    if (node !== null && !isMap(node)) fail(at, `expected a mapping, got ${describe(node)}`);
    const present = new Map<string, Pair>();
    const merged: Pair[] = [];
    const collect = (pairs: readonly Pair[], fromMerge: boolean) => {
      for (const pair of pairs) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const keyAt = child(at, key, (pair.key as Node) ?? null);
        if (key === '<<' && !fromMerge) {
          merged.push(pair);
          continue;
        }
        if (opts.forbidden && key in opts.forbidden) fail(keyAt, opts.forbidden[key]);
        if (opts.ignore?.includes(key)) continue;
        if (!(key in shape)) {
          const hint = closest(key, Object.keys(shape));
          fail(keyAt, `unknown key${hint ? ` (did you mean "${hint}"?)` : ''}; expected one of ${Object.keys(shape).join(', ')}`);
        }
        // Keys written in the mapping win over keys merged in with `<<: *defaults`.
        if (!fromMerge || !present.has(key)) present.set(key, pair);
      }
    };
    collect(node?.items ?? [], false);
    for (const pair of merged) {
      const mergeAt = child(at, '<<', (pair.value as Node | null) ?? null);
      const sources = (n: Node | null): Node[] => (isSeq(n) ? n.items.map((i) => deref(i as Node, mergeAt)!) : [n!]);
      for (const src of sources(deref((pair.value as Node | null) ?? null, mergeAt))) {
        if (!isMap(src)) fail(mergeAt, `expected a mapping (or a list of them) to merge, got ${describe(src ?? null)}`);
        collect(src.items, true);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const pair = present.get(key);
      const valueNode = deref((pair?.value as Node | null | undefined) ?? null, child(at, key, (pair?.value as Node | null | undefined) ?? node));
      const isNull = valueNode === null || (isScalar(valueNode) && valueNode.value === null);
      if (!pair || isNull) {
        if (field.required) fail(child(at, key, (pair?.key as Node) ?? node), pair ? 'must not be empty' : 'is required');
        const d = field.default;
        if (d !== undefined) out[key] = typeof d === 'function' ? (d as () => unknown)() : d;
        continue;
      }
      out[key] = field.schema(valueNode, child(at, key, valueNode));
    }
    return out as Out<S>;
  };

/**
 * A check across the fields of a validated mapping (e.g. `since` excludes `from`/`to`). The check
 * names the key to blame; the error points at that key's value (or the mapping when it is absent).
 */
export const refine =
  <T>(schema: Schema<T>, check: (value: T) => { key: string; problem: string } | undefined): Schema<T> =>
  (node, at) => {
    const value = schema(node, at);
    const bad = check(value);
    if (bad) {
      const keyNode = isMap(node) ? ((node.get(bad.key, true) as Node | undefined) ?? null) : null;
      fail(child(at, bad.key, keyNode ?? node), bad.problem);
    }
    return value;
  };

/** A union picked by a `type` key: `{ type: file, ... } | { type: cloudwatch, ... }`. */
export const tagged =
  <M extends Record<string, Schema<object>>>(variants: M): Schema<{ [K in keyof M]: ReturnType<M[K]> & { type: K } }[keyof M]> =>
  (node, at) => {
    if (!isMap(node)) fail(at, `expected a mapping with a "type", got ${describe(node)}`);
    const typeNode = (node.get('type', true) as Node | undefined) ?? null;
    const typeAt = child(at, 'type', typeNode ?? node);
    const kind = oneOf(Object.keys(variants))(typeNode, typeAt);
    return { type: kind, ...variants[kind](node, at) } as never;
  };

/** Parse YAML text and validate it; syntax errors also carry file:line:col. */
export function parseYaml<T>(text: string, file: string, code: Code, schema: Schema<T>): T {
  checkSize(text, file, code);
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at: At = { file, code, lc, path: '', node: null, doc, budget: { aliases: MAX_ALIASES } };
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lc.linePos(err.pos[0]);
    const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(code, { file, line: pos.line, column: pos.col }, `invalid YAML: ${first}`);
  }
  const root = (doc.contents as Node | null) ?? null;
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new ConfigError(code, { file, line: 1, column: 1 }, 'the document is empty; expected a mapping');
  }
  return schema(root, { ...at, node: root });
}
