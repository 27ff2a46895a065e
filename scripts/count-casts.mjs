#!/usr/bin/env node
// Counts type assertions and non-null assertions in src/ with the TypeScript parser, so the
// figures in docs/code-health.md can be reproduced: `node scripts/count-casts.mjs [--list] [dir]`.
// Counted: `x as T` and `<T>x` (not `as const`; import/export renames are not expressions, so they
// never match) and `x!`. `--list` prints each site as file:line so a reviewer can walk them.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const args = process.argv.slice(2);
const list = args.includes('--list');
const root = args.find((a) => !a.startsWith('--')) ?? 'src';

function* sourceFiles(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sourceFiles(path);
    else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

const isConstAssertion = (node) =>
  ts.isTypeReferenceNode(node.type) && ts.isIdentifier(node.type.typeName) && node.type.typeName.text === 'const';

let asCount = 0;
let bangCount = 0;
const sites = [];
for (const file of sourceFiles(root)) {
  const text = readFileSync(file, 'utf8');
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind);
  const visit = (node) => {
    let what;
    if ((ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) && !isConstAssertion(node)) {
      asCount++;
      what = 'as';
    } else if (ts.isNonNullExpression(node)) {
      bangCount++;
      what = '!';
    }
    if (what && list) {
      const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
      sites.push(`${relative(process.cwd(), file)}:${line + 1}\t${what}\t${node.getText(sf).replace(/\s+/g, ' ').slice(0, 100)}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}
if (list) console.log(sites.join('\n'));
console.log(`as: ${asCount}`);
console.log(`non-null !: ${bangCount}`);
