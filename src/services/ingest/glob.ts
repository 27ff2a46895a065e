/**
 * Path and glob expansion without a dependency: `*` and `?` within one path segment, `**` for any
 * number of directories. Relative patterns resolve from `baseDir`. Results are sorted and unique.
 */
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

const GLOB_CHARS = /[*?[]/;

export function hasGlob(pattern: string): boolean {
  return GLOB_CHARS.test(pattern);
}

function segmentRegex(segment: string): RegExp {
  let src = '';
  for (const ch of segment) {
    if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else src += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${src}$`);
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

async function walk(dir: string, segments: readonly string[], out: Set<string>): Promise<void> {
  if (segments.length === 0) {
    out.add(dir);
    return;
  }
  const [head, ...tail] = segments;
  if (head === '**') {
    await walk(dir, tail, out); // zero directories
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory() && !e.name.startsWith('.')) await walk(join(dir, e.name), segments, out);
    return;
  }
  if (!hasGlob(head)) {
    const next = join(dir, head);
    if (tail.length === 0) {
      try {
        if ((await stat(next)).isFile()) out.add(next);
      } catch {
        /* absent: no match */
      }
    } else if (await isDir(next)) await walk(next, tail, out);
    return;
  }
  const re = segmentRegex(head);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (!re.test(e.name) || (e.name.startsWith('.') && !head.startsWith('.'))) continue;
    const p = join(dir, e.name);
    if (tail.length === 0) {
      if (e.isFile() || (e.isSymbolicLink() && !(await isDir(p)))) out.add(p);
    } else if (e.isDirectory() || (e.isSymbolicLink() && (await isDir(p)))) await walk(p, tail, out);
  }
}

/** Files matching one path or glob (empty when nothing matches). */
export async function expandGlob(pattern: string, baseDir: string): Promise<string[]> {
  const abs = isAbsolute(pattern) ? pattern : resolve(baseDir, pattern);
  if (!hasGlob(abs)) {
    try {
      return (await stat(abs)).isFile() ? [abs] : [];
    } catch {
      return [];
    }
  }
  const parts = abs.split(sep === '\\' ? /[\\/]/ : '/');
  const firstGlob = parts.findIndex((p) => hasGlob(p));
  const root = parts.slice(0, firstGlob).join('/') || '/';
  const out = new Set<string>();
  await walk(root, parts.slice(firstGlob), out);
  return [...out].sort();
}
