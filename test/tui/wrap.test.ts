import { describe, expect, it } from 'vitest';
import { wrapText } from '../../src/tui/wrap.js';

const COUNTS = '■ run completed in 13.2s · 4 incidents · 11 anomalies (11 reported) · critical 4 · high 2 · medium 4 · low 1';

describe('wrapText', () => {
  it('keeps a line that fits as it is', () => {
    expect(wrapText('short line', 80)).toEqual([{ text: 'short line', start: 0 }]);
    expect(wrapText('', 80)).toEqual([{ text: '', start: 0 }]);
  });

  it('breaks at a " · " in the second half of the line, dropping it, and says where each line starts', () => {
    const lines = wrapText(COUNTS, 79);
    expect(lines.map((l) => l.text)).toEqual(['■ run completed in 13.2s · 4 incidents · 11 anomalies (11 reported)', 'critical 4 · high 2 · medium 4 · low 1']);
    expect(Array.from(COUNTS).slice(lines[1].start).join('')).toBe('critical 4 · high 2 · medium 4 · low 1');
    expect(wrapText(COUNTS, 99).map((l) => l.text)).toEqual(['■ run completed in 13.2s · 4 incidents · 11 anomalies (11 reported) · critical 4 · high 2', 'medium 4 · low 1']);
  });

  it('falls back to spaces, and cuts a word longer than the width', () => {
    expect(wrapText('aaaa bbbbbbbbbbbbbbb c', 10).map((l) => l.text)).toEqual(['aaaa', 'bbbbbbbbbb', 'bbbbb c']);
    for (const l of wrapText('x'.repeat(25), 10)) expect(Array.from(l.text).length).toBeLessThanOrEqual(10);
  });

  it('loses no word of a long error', () => {
    const msg = 'PUT https://reports.example/a/b/c/report.html: 403 Forbidden: the bucket policy denies s3:PutObject to role uploader';
    const lines = wrapText(msg, 30);
    // a hard cut has no space at the break: compare without spaces
    expect(lines.map((l) => l.text).join('').replace(/ /g, '')).toBe(msg.replace(/ /g, ''));
    for (const l of lines) expect(Array.from(l.text).length).toBeLessThanOrEqual(30);
  });
});
