/**
 * The progress bar of `parse` and `detect` through a real pseudo-terminal (tmux), and its absence
 * when stderr is a pipe. tmux's pipe-pane records every byte the CLI writes, so the test sees the
 * redraws (carriage return, erase line) the final screen no longer shows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TmuxSession } from '../helpers/tmux.js';

const root = join(import.meta.dirname, '..', '..');
const cli = join(root, 'dist', 'cli', 'main.js');
const sessions: TmuxSession[] = [];
let dir: string;
let big: string;

beforeAll(async () => {
  if (!existsSync(join(root, 'dist', 'cli', 'progress-bar.js'))) {
    execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'ignore' });
  }
  dir = await mkdtemp(join(tmpdir(), 'lap-progress-'));
  big = join(dir, 'big.log');
  // about 22 MB: long enough (well over the bar's 300 ms delay) on any machine
  const lines: string[] = [];
  for (let i = 0; i < 300_000; i++) lines.push(`2024-01-01 10:00:${String(i % 60).padStart(2, '0')} INFO api: request ${i} served in ${i % 977} ms by worker-${i % 13}`);
  await writeFile(big, lines.join('\n') + '\n');
});

afterAll(async () => {
  for (const s of sessions) s.kill();
  await rm(dir, { recursive: true, force: true });
});

/** Runs `args` in an 80x24 pane, recording the raw bytes; returns them and the final screen. */
async function inTerminal(args: string[]): Promise<{ raw: string; screen: string }> {
  const raw = join(dir, `raw-${sessions.length}.log`);
  const cmd = `read go; env -u CI NO_COLOR=1 node ${cli} ${args.join(' ')}; echo "[exit $?]"; sleep 600`;
  const s = new TmuxSession().start({ columns: 80, rows: 24, cwd: dir, command: cmd });
  sessions.push(s);
  execFileSync('tmux', ['-L', s.socket, 'pipe-pane', '-t', 'e2e', '-o', `cat >> ${raw}`]);
  s.sendKeys('Enter');
  const screen = await s.waitFor(/\[exit \d+\]/, 120_000);
  return { raw: await readFile(raw, 'utf8'), screen };
}

const BAR = /\r\u001b\[K(parse|detect) {2}\[[█░]+\] +\d+% {2}[\d.]+ (MB|KB)\/21 MB {2}ETA (--|<?\d+[smh][\d]*[sm]?)/g;

describe('progress bar on a terminal', { timeout: 180_000 }, () => {
  it('parse: percentage, bytes and ETA redrawn in place on stderr, then cleared', async () => {
    const { raw, screen } = await inTerminal(['parse', 'big.log', '--out', 'big.csv']);
    expect(screen).toContain('[exit 0]');
    const draws = raw.match(BAR) ?? [];
    expect(draws.length).toBeGreaterThan(0);
    expect(draws[0]).toMatch(/^\r\u001b\[Kparse/);
    // cleared before the summary line: the final screen has no bar
    expect(screen).not.toMatch(/parse {2}\[/);
    expect(screen).toMatch(/parsed 300000 events into \d+ templates: big\.csv/);
  });

  it('detect: the same bar; none with --json or --quiet', async () => {
    const shown = await inTerminal(['detect', 'big.log']);
    expect(shown.screen).toContain('[exit 0]');
    expect(shown.raw.match(BAR)?.[0]).toMatch(/^\r\u001b\[Kdetect/);
    expect(shown.screen).not.toMatch(/detect {2}\[/);
    for (const flag of ['--json', '--quiet']) {
      const quiet = await inTerminal(['detect', 'big.log', flag, '> out.json']);
      expect(quiet.screen).toContain('[exit 0]');
      expect(quiet.raw).not.toMatch(/ETA|\r\u001b\[K/);
    }
  });

  it('no bar when stderr is not a terminal', async () => {
    const { stderr } = await promisify(execFile)(process.execPath, [cli, 'parse', big, '--out', join(dir, 'piped.csv')], { env: { ...process.env, CI: '' } });
    expect(stderr).not.toMatch(/ETA|\r|\u001b/);
    expect(stderr).toContain('parsed 300000 events');
  });
});
