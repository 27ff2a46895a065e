/** runs/<id>/bus.ndjson: every event as it happens, one line each; readers skip a torn line. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBus } from '../../src/bus/bus.js';
import { attachJournal, JOURNAL_FILE, parseJournal } from '../../src/bus/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bus = () => createBus({ runId: 'run-j', now: () => new Date(Date.UTC(2026, 11, 4)) });

describe('bus journal', () => {
  it('appends each event as one JSON line; close resolves once they are on disk; later events are not written', async () => {
    const b = bus();
    const file = join(dir, JOURNAL_FILE);
    const j = attachJournal(b.events$, file);
    const first = b.emit({ type: 'log', level: 'info', msg: 'one' });
    const second = b.emit({ type: 'progress', step: 'install_packages', unit: 'commands', current: 1 });
    await j.close();
    b.emit({ type: 'log', level: 'info', msg: 'after close' });
    const text = await readFile(file, 'utf8');
    expect(text).toBe(`${JSON.stringify(first)}\n${JSON.stringify(second)}\n`);
    expect(parseJournal(text)).toEqual([first, second]);
  });

  it('appends to a journal an earlier execution of the run left', async () => {
    const file = join(dir, JOURNAL_FILE);
    const j1 = attachJournal(bus().events$, file);
    await j1.close();
    const b = bus();
    const j2 = attachJournal(b.events$, file);
    const e = b.emit({ type: 'log', level: 'warn', msg: 'resumed' });
    await j2.close();
    const b3 = bus();
    const j3 = attachJournal(b3.events$, file);
    const e3 = b3.emit({ type: 'log', level: 'info', msg: 'again' });
    await j3.close();
    expect(parseJournal(await readFile(file, 'utf8'))).toEqual([e, e3]);
  });

  it('a journal that cannot be written does not stop the run: emits go on and close resolves', async () => {
    const b = bus();
    // A directory where the file should be: the stream errors (EISDIR) once it opens.
    const file = join(dir, 'taken');
    await mkdir(file);
    const j = attachJournal(b.events$, file);
    const seen: string[] = [];
    b.events$.subscribe((e) => seen.push(e.type));
    for (let i = 0; i < 3; i++) b.emit({ type: 'log', level: 'info', msg: `m${i}` });
    await expect(j.close()).resolves.toBeUndefined();
    expect(seen).toEqual(['log', 'log', 'log']);
  });

  it('parse skips blank lines and a torn last line, keeps the rest in order', () => {
    const a = { v: 1, runId: 'r', seq: 1, at: 'x', type: 'log', level: 'info', msg: 'a' };
    const b = { ...a, seq: 2, msg: 'b' };
    expect(parseJournal(`${JSON.stringify(a)}\n\n  \n${JSON.stringify(b)}\n{"v":1,"run`)).toEqual([a, b]);
    expect(parseJournal('')).toEqual([]);
  });
});
