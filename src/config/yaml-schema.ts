/**
 * A small declarative validator over YAML documents that keeps every node's position, so an error
 * reads `settings.yaml:12:5 thresholds.spikeFactor: expected a number > 1, got "high"`.
 * Schemas are plain functions from a YAML node to a typed value; they throw ConfigError.
 */
import type { Document, LineCounter, Node, Pair } from 'yaml';
import { isAlias, isMap, isNode, isScalar, isSeq, yamlLib } from './yaml-lib.js';
import { ConfigError, ErrorCode } from '../errors.js';
import { userRegexProblem } from '../util/linear-regex.js';

type Code = typeof ErrorCode.CONFIG_INVALID | typeof ErrorCode.SETTINGS_INVALID;

export interface At {
  readonly file: string;
  readonly code: Code;
  /** Absent when nothing was parsed (a schema's defaults): no node has a position then. */
  readonly lc?: LineCounter;
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
  const { Lexer } = yamlLib();
  let aliases = 0;
  for (const token of new Lexer().lex(text)) {
    // an alias token starts with `*`; quoted and block scalars start with their own indicator
    if (token.charCodeAt(0) === 42 && ++aliases > MAX_ALIASES) {
      throw new ConfigError(code, { file, line: 1, column: 1 }, `too many alias references (more than ${MAX_ALIASES})`);
    }
  }
}

/** The yaml package types pair keys and values, list items and `get(key, true)` as unknown: its own guard narrows them. */
export const nodeOf = (value: unknown): Node | null => (isNode(value) ? value : null);

/** `*name` stands for the node anchored as `&name`; everything else is itself. */
function deref(node: Node | null, at: At): Node | null {
  if (!node || !isAlias(node)) return node;
  if (!at.doc || !at.budget || --at.budget.aliases < 0) fail(at, `too many alias references (at most ${MAX_ALIASES})`, node);
  return nodeOf(node.resolve(at.doc));
}

export type Schema<T> = (node: Node | null, at: At) => T;

export function fail(at: At, problem: string, node: Node | null = at.node): never {
  const offset = node?.range?.[0];
  const pos = offset === undefined ? undefined : at.lc?.linePos(offset);
  throw new ConfigError(at.code, { file: at.file, line: pos?.line, column: pos?.col, field: at.path || undefined }, problem);
}

/**
 * Where a mapping's key holds its value (`file`, line, column, field path), kept with the parsed
 * value when a problem can only be found later (an environment variable unset at run time).
 */
export function positionOf(node: Node | null, key: string, at: At): { file: string; line?: number; column?: number; field: string } {
  const value = isMap(node) ? nodeOf(node.get(key, true)) : null;
  const offset = value?.range?.[0];
  const pos = offset === undefined ? undefined : at.lc?.linePos(offset);
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
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a scalar node's value: number, boolean, bigint or Date, all of which print
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
    const value: unknown = isScalar(node) ? node.value : undefined;
    const found = values.find((v) => v === value);
    if (found === undefined) fail(at, `expected one of ${values.join(', ')}, got ${describe(node)}`);
    return found;
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
  <T>(item: Schema<T>, opts: { min?: number; single?: boolean } = {}): Schema<readonly T[]> =>
  (node, at) => {
    // `paths: logs/*.log` is as clear as a one-item list; accept it where a single value makes sense.
    if (opts.single && isScalar(node)) return [item(node, at)];
    if (!isSeq(node)) fail(at, `expected a list, got ${describe(node)}`);
    const out = node.items.map((n, i) => {
      const itemAt = child(at, i, nodeOf(n));
      return item(deref(nodeOf(n), itemAt), itemAt);
    });
    if (opts.min !== undefined && out.length < opts.min) fail(at, `expected at least ${opts.min} item${opts.min === 1 ? '' : 's'}, got ${out.length}`);
    return out;
  };

/**
 * One key of a mapping. `O` is a type-only mark: true when the key may be absent from the result
 * (`opt`), so the inferred type reads `key?: T` as a hand-written interface would.
 */
export interface Field<T, O extends boolean = boolean> {
  readonly schema: Schema<T>;
  readonly required?: boolean;
  readonly default?: T | (() => T);
  /** An absent key is validated as an empty mapping: every default inside it applies, written once. */
  readonly absentAsEmpty?: boolean;
  readonly optional?: O;
}

export const req = <T>(schema: Schema<T>): Field<T, false> => ({ schema, required: true });
export const opt = <T>(schema: Schema<T>): Field<T, true> => ({ schema, optional: true });
// NoInfer: the schema alone decides T, so a default such as 'mute' is checked against it, not widened.
export const def = <T>(schema: Schema<T>, value: NoInfer<T> | (() => NoInfer<T>)): Field<T, false> => ({ schema, default: value });
/** A nested mapping whose keys all have defaults (or are optional): absent means all of them. */
export const defaults = <T>(schema: Schema<T>): Field<T, false> => ({ schema, absentAsEmpty: true });

/** The type a schema produces: settings-types.ts and detection-types.ts name these, nothing else writes them. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Field<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type FieldType<F> = F extends Field<infer T> ? T : never;
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends Field<unknown, true> ? K : never }[keyof S];
type Out<S extends Shape> = Simplify<
  { readonly [K in Exclude<keyof S, OptionalKeys<S>>]: FieldType<S[K]> } & { readonly [K in OptionalKeys<S>]?: FieldType<S[K]> }
>;

/** Several keys with the same field, e.g. one retry policy per step: the shape keeps the key names. */
export function sameFields<const K extends string, T, O extends boolean>(keys: readonly K[], field: (key: K) => Field<T, O>): Record<K, Field<T, O>> {
  // Object.fromEntries returns Record<string, ...>: the keys are exactly `keys`, so the narrower type holds.
  return Object.fromEntries(keys.map((k) => [k, field(k)])) as Record<K, Field<T, O>>;
}

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
        const keyAt = child(at, key, nodeOf(pair.key));
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
      const mergeAt = child(at, '<<', nodeOf(pair.value));
      const sources = (n: Node | null): (Node | null)[] => (isSeq(n) ? n.items.map((i) => deref(nodeOf(i), mergeAt)) : [n]);
      for (const src of sources(deref(nodeOf(pair.value), mergeAt))) {
        if (!isMap(src)) fail(mergeAt, `expected a mapping (or a list of them) to merge, got ${describe(src)}`);
        collect(src.items, true);
      }
    }
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(shape)) {
      const pair = present.get(key);
      const written = nodeOf(pair?.value);
      const valueNode = deref(written, child(at, key, written ?? node));
      const isNull = valueNode === null || (isScalar(valueNode) && valueNode.value === null);
      if (!pair || isNull) {
        if (field.required) fail(child(at, key, nodeOf(pair?.key) ?? node), pair ? 'must not be empty' : 'is required');
        if (field.absentAsEmpty) {
          out[key] = field.schema(null, child(at, key, valueNode ?? node));
          continue;
        }
        const d = field.default;
        // A function default is a factory (no setting is itself a function); typeof only narrows it to Function.
        if (d !== undefined) out[key] = typeof d === 'function' ? (d as () => unknown)() : d;
        continue;
      }
      out[key] = field.schema(valueNode, child(at, key, valueNode));
    }
    // Filled key by key from the shape above: TS cannot follow that loop to the mapped type.
    return out as Out<S>;
  };

/**
 * A check across the fields of a validated mapping (e.g. `since` excludes `from`/`to`). The check
 * names the key to blame; the error points at that key's value (or the mapping when it is absent).
 */
export const refine =
  <T>(schema: Schema<T>, check: (value: NoInfer<T>) => { key: string; problem: string } | undefined): Schema<T> =>
  (node, at) => {
    const value = schema(node, at);
    const bad = check(value);
    if (bad) {
      const keyNode = isMap(node) ? nodeOf(node.get(bad.key, true)) : null;
      fail(child(at, bad.key, keyNode ?? node), bad.problem);
    }
    return value;
  };

/** A union picked by a `type` key: `{ type: file, ... } | { type: cloudwatch, ... }`. */
export const tagged =
  <M extends Record<string, Schema<object>>>(variants: M): Schema<{ [K in keyof M]: Simplify<{ readonly type: K } & ReturnType<M[K]>> }[keyof M]> =>
  (node, at) => {
    if (!isMap(node)) fail(at, `expected a mapping with a "type", got ${describe(node)}`);
    const typeNode = nodeOf(node.get('type', true));
    const typeAt = child(at, 'type', typeNode ?? node);
    const kind = oneOf(Object.keys(variants))(typeNode, typeAt);
    // `kind` is one key of M, but TS cannot tie the spread to that key's member of the union.
    return { type: kind, ...variants[kind](node, at) } as never;
  };

/**
 * What a schema gives when every key is left out: its defaults, built without parsing any text (so
 * without loading yaml). A required key fails as it would in an empty document.
 */
export function defaultsOf<T>(schema: Schema<T>, file: string, code: Code): T {
  return schema(null, { file, code, path: '', node: null });
}

/** Parse YAML text and validate it; syntax errors also carry file:line:col. */
export function parseYaml<T>(text: string, file: string, code: Code, schema: Schema<T>): T {
  checkSize(text, file, code);
  const { LineCounter, parseDocument } = yamlLib();
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at: At = { file, code, lc, path: '', node: null, doc, budget: { aliases: MAX_ALIASES } };
  const err = doc.errors[0];
  if (err) {
    const pos = err.linePos?.[0] ?? lc.linePos(err.pos[0]);
    const first = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ConfigError(code, { file, line: pos.line, column: pos.col }, `invalid YAML: ${first}`);
  }
  const root = nodeOf(doc.contents);
  if (root === null || (isScalar(root) && root.value === null)) {
    throw new ConfigError(code, { file, line: 1, column: 1 }, 'the document is empty; expected a mapping');
  }
  return schema(root, { ...at, node: root });
}
