/**
 * The yaml package, loaded on first use. `detect` and `parse` without a config never parse YAML,
 * yet the detector imports the detection config's schema (its kinds, severities and defaults);
 * a static `import ... from 'yaml'` there would load yaml's 80 CommonJS files on every start-up,
 * a third of `detect`'s own start-up cost. Only the node guards and the parser are needed at run
 * time, so they are reached through here; types still come from `import type`.
 */
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import type { Alias, Node, Scalar, YAMLMap, YAMLSeq } from 'yaml';

let lib: typeof Yaml | undefined;

/** The yaml module itself (the same instance a static import gets: yaml is CommonJS either way). */
export function yamlLib(): typeof Yaml {
  return (lib ??= createRequire(import.meta.url)('yaml') as typeof Yaml);
}

// yaml's own guards with its signatures. A missing node is no node of any kind without asking yaml,
// so building the defaults (every node absent) never loads it.
export const isAlias = (node: unknown): node is Alias => !!node && yamlLib().isAlias(node);
export const isNode = (node: unknown): node is Node => !!node && yamlLib().isNode(node);
export const isScalar = <T = unknown>(node: unknown): node is Scalar<T> => !!node && yamlLib().isScalar<T>(node);
export const isMap = <K = unknown, V = unknown>(node: unknown): node is YAMLMap<K, V> => !!node && yamlLib().isMap<K, V>(node);
export const isSeq = <T = unknown>(node: unknown): node is YAMLSeq<T> => !!node && yamlLib().isSeq<T>(node);
