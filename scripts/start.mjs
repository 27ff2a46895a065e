#!/usr/bin/env node
// `npm start`: the demo, in one Node process. Rebuilds dist/ first only when a source is newer
// (scripts/build-if-stale.mjs), then runs the built CLI in this same process: a prestart hook
// would cost one more shell and Node start before the first screen.
//   npm start [-- extra run flags, e.g. --no-pace or --headless]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildIfStale } from './build-if-stale.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
if (!buildIfStale()) process.exit(1);
const cli = join(root, 'dist', 'cli', 'main.js');
process.argv = [process.argv[0], cli, 'run', '--config', join(root, 'examples', 'demo.yaml'), ...process.argv.slice(2)];
await import(cli);
