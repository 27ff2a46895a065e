#!/usr/bin/env node
// `npm run docs:screen`: the README's "What you see" screen, captured from a real demo run in a
// real terminal (tmux, 100x32), so the README cannot drift from what `npm start` shows. The run
// goes to runs/docs-screen (inside the repo, so the screen shows relative paths, not this machine's).
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const socket = `lap-docs-screen-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
rmSync(join(root, 'runs', 'uploads', 'tui-1'), { recursive: true, force: true });
rmSync(join(root, 'runs', 'tui-1'), { recursive: true, force: true });
tmux('new-session', '-d', '-s', 's', '-x', '100', '-y', '32', '-c', root, 'sh', '-c',
  'env -u CI NATS_URL= TERM=xterm-256color NO_COLOR=1 node dist/cli/main.js run --config examples/demo.yaml --run-id tui-1 --no-pace; echo "exit $?"; sleep 60');
let screen = '';
const t0 = Date.now();
while (!/^exit \d+$/m.test(screen)) {
  if (Date.now() - t0 > 60_000) throw new Error(`no final screen within 60 s:\n${screen}`);
  await new Promise((r) => setTimeout(r, 200));
  screen = tmux('capture-pane', '-p', '-t', 's');
}
tmux('kill-server');
// Elapsed times differ run to run; everything else is the demo's deterministic output.
const lines = screen.replace(/\s+$/gm, '').split('\n').filter((l, i, a) => i < a.length - 1 || l !== '');
const readme = join(root, 'README.md');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf('<!-- screen:start -->');
const end = text.indexOf('<!-- screen:end -->');
if (start < 0 || end < start) throw new Error('README.md has no <!-- screen:start --> ... <!-- screen:end --> block');
const block = `<!-- screen:start -->\n\`\`\`\n${lines.join('\n')}\n\`\`\`\n`;
writeFileSync(readme, text.slice(0, start) + block + text.slice(end));
console.log(`README.md: screen updated (${lines.length} lines)`);
