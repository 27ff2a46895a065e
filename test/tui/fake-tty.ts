/**
 * A terminal-shaped pair of streams for driving renderRunTui in-process: stdout is a real
 * Writable that records what Ink writes (and can be resized); stdin feeds keys and tracks raw
 * mode, so tests can assert the terminal is left clean.
 */
import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';

export class FakeStdout extends Writable {
  readonly isTTY = true;
  readonly chunks: string[] = [];
  constructor(
    public columns: number,
    public rows: number,
  ) {
    super({ decodeStrings: false });
  }
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(String(chunk));
    cb();
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
  get output(): string {
    return this.chunks.join('');
  }
  /** Each frame Ink drew, as plain text (control sequences removed). */
  frames(): string[] {
    return this.chunks.filter((c) => c.includes('log-anomaly')).map((c) => stripCsi(c).replace(/\n$/, ''));
  }
  lastFrame(): string {
    return this.frames().at(-1) ?? '';
  }
}

export function stripCsi(s: string): string {
  return s.replace(/\u001b\[[0-9;?<>=]*[ -/]*[@-~]/g, '');
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  isRaw = false;
  rawModeCalls: boolean[] = [];
  private data: string | null = null;
  constructor(private readonly failRawMode = false) {
    super();
  }
  press(data: string): void {
    this.data = data;
    this.emit('readable');
  }
  read(): string | null {
    const d = this.data;
    this.data = null;
    return d;
  }
  setRawMode(mode: boolean): this {
    if (this.failRawMode && mode) throw new Error('setRawMode EIO: this terminal refuses raw mode');
    this.rawModeCalls.push(mode);
    this.isRaw = mode;
    return this;
  }
  setEncoding(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  pause(): this {
    return this;
  }
}

export class FakeStderr extends Writable {
  text = '';
  override _write(chunk: unknown, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.text += String(chunk);
    cb();
  }
}

export function fakeTerminal(columns = 80, rows = 24, opts: { failRawMode?: boolean } = {}) {
  const stdout = new FakeStdout(columns, rows);
  const stdin = new FakeStdin(opts.failRawMode);
  const stderr = new FakeStderr();
  return {
    stdout,
    stdin,
    stderr,
    // the option types want process streams; these fakes implement what Ink uses of them
    streams: { stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, stderr: stderr as unknown as NodeJS.WriteStream },
  };
}
