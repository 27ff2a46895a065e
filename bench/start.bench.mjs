#!/usr/bin/env node
// Start-up, two ways.
// screen: how long a newcomer waits for the first screen of `npm start` on a built tree: `npm start`
//   in a real terminal (tmux, 100x30), from launch until the TUI's header is on screen, polled every
//   20 ms. Five runs, median and max; the prestart staleness check is included (it finds dist/ up to
//   date and skips tsc). Goal: under 3 s. Writes bench/results/start.md.
// commands: what `--version`, `detect --help`, and `parse` / `detect` on a one-line file cost over a
//   bare `node -e 0` (issue 11: within 100 ms), wall and CPU ms, medians of BENCH_STARTUP_RUNS
//   (default 15) interleaved rounds (bench/lib/cli-startup.mjs). BENCH_BEFORE=DIR adds another built
//   checkout, measured in the same rounds, e.g. main before a change:
//   `git worktree add --detach /tmp/before main && cd /tmp/before && ln -s /work/main/node_modules . && npm run build`.
//   With valgrind, also the instructions each command executes (callgrind, one run each; bare node a
//   median of 3; BENCH_CALLGRIND=0 skips it): unlike milliseconds, not moved by the machine's load.
//   Writes bench/results/start-commands.md.
//
//   npm run build && node bench/start.bench.mjs             (both)
//   BENCH_BEFORE=/tmp/before node bench/start.bench.mjs commands
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hasValgrind, measureInstructions, measureStartup } from './lib/cli-startup.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const STARTUP_RUNS = Number(process.env.BENCH_STARTUP_RUNS ?? 15);
const parts = process.argv.slice(2);
const want = (part) => parts.length === 0 || parts.includes(part);

function write(name, lines) {
  console.log(lines.join('\n'));
  mkdirSync(join(here, 'results'), { recursive: true });
  writeFileSync(join(here, 'results', name), lines.join('\n') + '\n');
}

async function screen() {
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    const socket = `lap-start-bench-${process.pid}-${i}`;
    const out = mkdtempSync(join(tmpdir(), 'lap-start-'));
    const tmux = (...args) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    const t0 = performance.now();
    tmux('new-session', '-d', '-s', 'b', '-x', '100', '-y', '30', '-c', root, 'sh', '-c', `env -u CI NATS_URL= TERM=xterm-256color npm start --silent -- --out-dir ${out}; sleep 60`);
    let ms;
    for (;;) {
      if (/^log-anomaly run \S+ {2}\w+/m.test(tmux('capture-pane', '-p', '-t', 'b'))) {
        ms = performance.now() - t0;
        break;
      }
      if (performance.now() - t0 > 30_000) throw new Error('no first screen within 30 s');
      await new Promise((r) => setTimeout(r, 20));
    }
    times.push(ms);
    tmux('kill-server');
    // The demo may still be writing its cancelled run's state as tmux goes away: retry while it does.
    rmSync(out, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const lines = [
    '# npm start: time to first screen',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} on this machine (${cpus().length} cores; Node ${process.version}; load average ${loadavg()[0].toFixed(1)}), built tree, \`npm start\` in tmux 100x30, launch to the TUI's header on screen, ${RUNS} runs.`,
    '',
    '| median | min | max | goal |',
    '|---|---|---|---|',
    `| ${(median / 1000).toFixed(2)} s | ${(times[0] / 1000).toFixed(2)} s | ${(times.at(-1) / 1000).toFixed(2)} s | < 3 s |`,
    '',
    '`npm run build && node bench/start.bench.mjs`',
  ];
  write('start.md', lines);

}

function commands() {
  const before = process.env.BENCH_BEFORE;
  const builds = [{ name: 'this build', cli: join(root, 'dist', 'cli', 'main.js') }];
  if (before) builds.push({ name: `before (${before})`, cli: join(before, 'dist', 'cli', 'main.js') });
  const dir = mkdtempSync(join(tmpdir(), 'lap-start-commands-'));
  try {
    const tiny = join(dir, 'tiny.log');
    writeFileSync(tiny, '2026-11-26 08:00:00 INFO api: started\n');
    const load0 = loadavg()[0];
    const { bare, rows } = measureStartup({ builds, tiny, runs: STARTUP_RUNS });
    const over = (ms, base) => `${ms >= base ? '+' : ''}${Math.round(ms - base)}`;
    const cell = (b) => `${Math.round(b.wallMs)} (${over(b.wallMs, bare.wallMs)}) | ${Math.round(b.cpuMs)} (${over(b.cpuMs, bare.cpuMs)})`;
    const mods = (m) => `${m.ours} + ${m.packageFiles} (${m.packages.join(', ') || 'none'})`;
    const goal = (i) => {
      const b = rows.find((r) => r.name.includes('detect` (1-line'))?.builds[i];
      const p = rows.find((r) => r.name.includes('parse` (1-line'))?.builds[i];
      const met = (k) => (Math.max(b[k] - bare[k], p[k] - bare[k]) <= 100 ? 'met' : 'not met');
      return `${builds[i].name}: CPU ${met('cpuMs')}, wall ${met('wallMs')}`;
    };
    const cg = process.env.BENCH_CALLGRIND !== '0' && hasValgrind() ? measureInstructions({ builds, tiny }) : null;
    const mi = (n) => (n / 1e6).toFixed(0);
    const instrLines = cg
      ? [
          '',
          `Instructions executed (valgrind callgrind, user space, all threads; one run each, bare node the median of 3: ${mi(cg.bare)} M), in millions, and in brackets over bare node:`,
          '',
          `| command | ${builds.map((b) => `${b.name}: M instructions`).join(' | ')} |${builds.length > 1 ? ' this build / before, over bare |' : ''}`,
          `|---|${builds.map(() => '---|').join('')}${builds.length > 1 ? '---|' : ''}`,
          ...cg.rows.map((r) => `| ${r.name} | ${r.builds.map((n) => `${mi(n)} (+${mi(n - cg.bare)})`).join(' | ')} |${builds.length > 1 ? ` ${((r.builds[0] - cg.bare) / (r.builds[1] - cg.bare)).toFixed(2)} |` : ''}`),
          '',
          // bare node's own rate in this run turns instructions into CPU ms without the load's
          // penalty on loading code (which a loaded machine slows more than node's start)
          `At a bare node's rate in this run (${Math.round(bare.cpuMs)} ms CPU for ${mi(cg.bare)} M instructions), the extra instructions of \`detect\` and \`parse\` on a one-line file are worth: ${builds
            .map((b, i) => {
              const ms = (name) => Math.round(((cg.rows.find((r) => r.name.includes(name)).builds[i] - cg.bare) / cg.bare) * bare.cpuMs);
              return `${b.name} +${ms('detect` (1-line')} and +${ms('parse` (1-line')} ms`;
            })
            .join('; ')}.`,
        ]
      : ['', 'Instructions: skipped (no valgrind, or BENCH_CALLGRIND=0).'];
    write('start-commands.md', [
      '# Command start-up: over a bare node',
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on this machine (${cpus().length} cores; Node ${process.version}; load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end). Each cell: median of ${STARTUP_RUNS} interleaved rounds of whole processes, in ms, and in brackets its difference to a bare \`node -e 0\` of the same rounds (wall ${Math.round(bare.wallMs)} ms, CPU ${Math.round(bare.cpuMs)} ms). CPU is user + sys of the process (bash \`times\`); on a loaded machine it is the steadier figure. Modules: files of ours + package files loaded (test/helpers/loaded-modules.mjs), and which packages.`,
      '',
      `| command | ${builds.map((b) => `${b.name}: wall ms | CPU ms`).join(' | ')} | ${builds.map((b) => `modules, ${b.name}`).join(' | ')} |`,
      `|---|${builds.map(() => '---|---|').join('')}${builds.map(() => '---|').join('')}`,
      ...rows.map((r) => `| ${r.name} | ${r.builds.map(cell).join(' | ')} | ${r.builds.map((b) => mods(b.modules)).join(' | ')} |`),
      '',
      `Goal (issue 11): \`parse\` and \`detect\` on a one-line file within 100 ms of a bare node. ${builds.map((_, i) => goal(i)).join('; ')}.`,
      ...instrLines,
      '',
      `\`npm run build && ${before ? `BENCH_BEFORE=${before} ` : ''}node bench/start.bench.mjs commands\``,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (want('screen')) await screen();
if (want('commands')) commands();
