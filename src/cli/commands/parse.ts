/**
 * `log-anomaly parse FILE`: mine templates and print one CSV row per parsed line
 * (`LineId,EventId,EventTemplate`, RFC-4180), so anyone can score the grouping with their own
 * tools. LineId is the line's number in the file (blank lines count, so it points at the line). Input is streamed; each line's template is kept as a 4-byte index, and rows are written
 * after the last line with each template's FINAL form (templates generalize as lines arrive).
 */
import { stat } from 'node:fs/promises';
import { relative, resolve } from 'node:path';
import type { CliIo } from '../io.js';
import { ExitCode } from '../io.js';
import { AbortedError, UsageError, messageOf } from '../../errors.js';
import { createEventJoiner, createLineParser, newFormatStats } from '../../detector/format/index.js';
import { chooseFormat, formatReport, writeFormatSummary } from './format-choice.js';
import { inputFiles } from './input-files.js';
import { createProgressBar } from '../progress-bar.js';
import { compileMasks } from '../../detector/mask/index.js';
import { createMiner } from '../../detector/miner/index.js';
import { csvField } from '../../detector/eval/csv.js';
import { readLineBatches } from '../../detector/input/read-lines.js';
import { createAtomicStream } from '../../util/atomic-write.js';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/** What commander hands the action (program.ts declares the flags). */
export interface ParseOptions { file: string; format?: string; mask?: string[]; out?: string; quiet?: boolean }

class IndexList {
  private data = new Int32Array(1 << 16);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  at(i: number): number {
    return this.data[i];
  }
}

async function writeAll(out: Writable, chunk: string): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

export async function parse(options: ParseOptions, io: CliIo): Promise<number> {
  const files = await inputFiles(io, [options.file]);
  if (files.length > 1) {
    // LineId is a line number in ONE file: several files would need a file column Loghub's CSV has not
    const names = files.slice(0, 3).map((f) => relative(io.cwd, f) || f).join(', ');
    throw new UsageError(`parse reads one file (LineId is its line number); ${options.file} names ${files.length} files (${names}${files.length > 3 ? ', …' : ''}): run parse on each`);
  }
  const file = files[0];
  const masks = (options.mask ?? []).map((m) => {
    try {
      return compileMasks([m])[0];
    } catch (err) {
      throw new UsageError(`--mask ${JSON.stringify(m)}: ${(err as { problem?: string }).problem ?? messageOf(err)}`);
    }
  });
  const chosen = await chooseFormat('parse', options.format, [file], io, options.quiet);
  const parseLine = createLineParser(chosen.format);
  const miner = createMiner({ masks });
  const stats = newFormatStats();
  const controller = new AbortController();
  const off = io.onSignal(() => controller.abort(new AbortedError('parse cancelled')));
  const ids = new IndexList();
  // the line number (every line counts, blank ones too) of each event's first line: LineId
  const lineIds = new IndexList();
  let unparsed = 0;
  // one row per event: a traceback joins the line that starts it and only that line is mined
  const joiner = createEventJoiner(parseLine, { rawFormat: chosen.format.type === 'raw' }, stats, (_first, parsed, _text, lineNo) => {
    if (parsed === null) {
      unparsed++;
      return;
    }
    miner.add(parsed.content);
    ids.push(miner.lastIndex);
    lineIds.push(lineNo);
  });
  try {
    let lineNo = 0;
    let read = 0;
    const bar = createProgressBar({ stream: io.stderr, total: (await stat(file)).size, label: 'parse', enabled: !options.quiet });
    try {
      for await (const batch of readLineBatches(file, { signal: controller.signal, onBytes: (n) => bar.update((read += n)) })) {
        for (const line of batch) {
          lineNo++;
          if (line.trim().length > 0) joiner.push(line, lineNo);
        }
      }
    } finally {
      bar.done();
    }
    joiner.end();
    const target = options.out ? resolve(io.cwd, options.out) : undefined;
    const atomic = target ? await createAtomicStream(target) : undefined;
    const out = atomic ? atomic.stream : io.stdout;
    try {
      let buf = 'LineId,EventId,EventTemplate\n';
      for (let i = 0; i < ids.length; i++) {
        const k = ids.at(i);
        buf += `${lineIds.at(i)},${miner.idAt(k)},${csvField(miner.templateAt(k))}\n`;
        if (buf.length > 1 << 16) {
          if (controller.signal.aborted) throw new AbortedError('parse cancelled');
          await writeAll(out, buf);
          buf = '';
        }
      }
      await writeAll(out, buf);
      await atomic?.commit();
    } catch (err) {
      await atomic?.abort();
      throw err;
    }
    writeFormatSummary('parse', formatReport(chosen, stats), io, options.quiet);
    if (target && !options.quiet) {
      io.stderr.write(`parsed ${ids.length} events into ${miner.templates().length} templates${unparsed ? ` (${unparsed} lines did not match the format)` : ''}: ${options.out}\n`);
    } else if (unparsed) {
      io.stderr.write(`${unparsed} lines did not match the format and were skipped\n`);
    }
    return ExitCode.ok;
  } finally {
    off();
  }
}
