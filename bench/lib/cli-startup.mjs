// Start-up of the CLI's commands as whole processes (issue 11: within 100 ms of a bare `node`).
// Each run is one child, timed inside bash: wall ms from $EPOCHREALTIME around it, CPU ms
// (user + sys) from bash's `times` (1 ms resolution; /usr/bin/time has 10 ms). Every case of every
// build runs once per round, rounds repeated, the order of builds alternating, so load on a
// shared machine hits each alike; medians per case. The module counts come from one extra run with
// test/helpers/loaded-modules.mjs. With valgrind, instructions() counts what a process executes
// (callgrind): a figure the machine's load does not move, unlike milliseconds.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FORMAT = '<Date> <Time> <Level> <Component>: <Content>';
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The commands measured, as arguments after the CLI's path; `tiny` is a one-line log file. */
export function startupCommands(tiny) {
  return [
    ['`log-anomaly --version`', ['--version']],
    ['`log-anomaly detect --help`', ['detect', '--help']],
    ['`log-anomaly parse` (1-line file)', ['parse', tiny, '--format', FORMAT]],
    ['`log-anomaly detect` (1-line file)', ['detect', tiny, '--format', FORMAT, '--json']],
  ];
}

const seconds = (s) => {
  const m = /^(\d+)m([\d.]+)s$/.exec(s);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** One child `node ARGS`: { wallMs, cpuMs }. Throws when it exits non-zero. */
export function timeOnce(args) {
  const script = 'start=$EPOCHREALTIME; "$@" >/dev/null 2>&1; rc=$?; end=$EPOCHREALTIME; times; echo "$rc $start $end"';
  const r = spawnSync('bash', ['-c', script, 'bash', process.execPath, ...args], { encoding: 'utf8' });
  const lines = r.stdout.trim().split('\n');
  // `times` prints the shell's user/sys, then its children's
  const [user, sys] = lines[1].split(' ').map(seconds);
  const [rc, start, end] = lines[2].split(' ');
  if (rc !== '0') throw new Error(`node ${args.join(' ')} exited ${rc}`);
  return { wallMs: (Number(end) - Number(start)) * 1000, cpuMs: (user + sys) * 1000 };
}

/** Modules `node ARGS` loads: ours (dist/) and packages (node_modules), by test/helpers/loaded-modules.mjs. */
export function modulesLoaded(args) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-modules-'));
  try {
    const out = join(dir, 'loaded.txt');
    spawnSync(process.execPath, ['--import', join(root, 'test', 'helpers', 'loaded-modules.mjs'), ...args], {
      env: { ...process.env, LOADED_MODULES_OUT: out, NATS_URL: '' },
      stdio: 'ignore',
    });
    const lines = [...new Set(readFileSync(out, 'utf8').split('\n').filter(Boolean))];
    const ours = lines.filter((l) => l.includes('/dist/') && !l.includes('node_modules')).length;
    const files = lines.filter((l) => l.includes('node_modules/'));
    const packages = new Set(files.map((l) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(l.slice(l.lastIndexOf('node_modules/')))?.[1]).filter(Boolean));
    return { ours, packageFiles: files.length, packages: [...packages].sort() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * builds: [{ name, cli }] (cli: a dist/cli/main.js). Returns { bare: {wallMs, cpuMs}, rows: [{ name,
 * builds: [{ wallMs, cpuMs, modules }] }] }, medians of `runs` interleaved rounds.
 */
export function measureStartup({ builds, tiny, runs }) {
  const commands = startupCommands(tiny);
  const bare = { wall: [], cpu: [] };
  const xs = commands.map(() => builds.map(() => ({ wall: [], cpu: [] })));
  const add = (into, t) => {
    into.wall.push(t.wallMs);
    into.cpu.push(t.cpuMs);
  };
  for (let r = 0; r < runs; r++) {
    add(bare, timeOnce(['-e', '0']));
    const order = builds.map((_, i) => i);
    if (r % 2 === 1) order.reverse();
    commands.forEach(([, args], c) => {
      for (const b of order) add(xs[c][b], timeOnce([builds[b].cli, ...args]));
    });
  }
  return {
    bare: { wallMs: median(bare.wall), cpuMs: median(bare.cpu) },
    rows: commands.map(([name, args], c) => ({
      name,
      builds: builds.map((b, i) => ({ wallMs: median(xs[c][i].wall), cpuMs: median(xs[c][i].cpu), modules: modulesLoaded([b.cli, ...args]) })),
    })),
  };
}

/** True when valgrind can run here. */
export const hasValgrind = () => spawnSync('valgrind', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Instructions (user space, all threads) `node ARGS` executes, counted by callgrind; --smc-check
 * because V8 writes the code it runs. About 50 times slower than a plain run.
 */
export function instructions(args) {
  const r = spawnSync('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', '--smc-check=all-non-file', process.execPath, ...args], { encoding: 'utf8' });
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`callgrind node ${args.join(' ')}: exit ${r.status}: ${r.stderr.slice(-500)}`);
  return Number(m[1]);
}

/** builds as for measureStartup: { bare, rows: [{ name, builds: [instructions] }] }; bare is a median of 3. */
export function measureInstructions({ builds, tiny }) {
  const bare = median([0, 1, 2].map(() => instructions(['-e', '0'])));
  return { bare, rows: startupCommands(tiny).map(([name, args]) => ({ name, builds: builds.map((b) => instructions([b.cli, ...args])) })) };
}
