import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatElapsed, formatQuantity, progressBar, sparkline } from '../../src/tui/format.js';

describe('tui formatters', () => {
  it('durations and elapsed times', () => {
    expect([850, 4_200, 185_000, 3_725_000].map(formatDuration)).toEqual(['850ms', '4.2s', '3m05s', '1h02m']);
    expect(formatDuration(undefined)).toBe('');
    expect([42_000, 725_000, 3_723_000].map(formatElapsed)).toEqual(['00:42', '12:05', '1:02:03']);
  });

  it('quantities: bytes get units, counts get separators', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_300_000)).toBe('1.2 MB');
    expect(formatQuantity(48_213, 'lines')).toBe('48,213 lines');
    expect(formatQuantity(5_000, 'bytes')).toBe('4.9 KB');
  });

  it('a progress bar fills in proportion and never overflows', () => {
    expect(progressBar(3, 6, 12)).toBe('[█████░░░░░]');
    expect(progressBar(9, 6, 6)).toBe('[████]');
    expect(progressBar(0, 0, 6)).toBe('[░░░░]');
  });

  it('a sparkline fits the width, keeps the peak, and marks anomalous buckets', () => {
    const s = sparkline([1, 1, 1, 8, 1, 1], [false, false, false, true, false, false], 20);
    expect(s.bars).toBe('▁▁▁█▁▁');
    expect(s.marks).toBe('   ▲');
    // 12 buckets into 4 columns: means of 3, a column is anomalous if any of its buckets is
    const f = sparkline([1, 1, 1, 1, 1, 1, 9, 9, 9, 1, 1, 1], [false, false, false, false, false, false, false, true, false, false, false, false], 4);
    expect(f.bars).toBe('▁▁█▁');
    expect(f.marks).toBe('  ▲');
    expect(sparkline([], [], 10)).toEqual({ bars: '', marks: '' });
    // few buckets, wide screen: each bucket drawn up to maxRepeat columns wide
    expect(sparkline([1, 8, 1], [false, true, false], 20, 4)).toEqual({ bars: '▁▁▁▁████▁▁▁▁', marks: '    ▲▲▲▲' });
  });

  it('buckets any window to the width with no comb: flat traffic stays flat when columns cover n or n+1 buckets', () => {
    for (const [n, width] of [[300, 72], [1441, 150], [97, 40], [5000, 13]] as const) {
      const flat = sparkline(new Array<number>(n).fill(50), new Array<boolean>(n).fill(false), width);
      expect(Array.from(flat.bars), `${n} buckets in ${width}`).toHaveLength(width);
      expect(new Set(Array.from(flat.bars)), `${n} buckets in ${width}`).toEqual(new Set(['█']));
    }
    // a spike of one bucket still shows in its column, and the peak column is the tallest
    const counts = new Array<number>(300).fill(10);
    counts[150] = 4000;
    const spike = Array.from(sparkline(counts, counts.map((_, i) => i === 150), 72).bars);
    expect(spike.filter((b) => b === '█')).toHaveLength(1);
    expect(spike.filter((b) => b !== '▁')).toHaveLength(1);
  });
});

describe('displayPath', () => {
  it('shows paths under the working directory relative to it and under home with ~', async () => {
    const { displayPath } = await import('../../src/tui/format.js');
    expect(displayPath('file:/work/repo/examples/logs/*.log', '/work/repo', '/root')).toBe('file:examples/logs/*.log');
    expect(displayPath('file:///work/repo/runs/uploads/r1/report.html', '/work/repo', '/root')).toBe('runs/uploads/r1/report.html');
    expect(displayPath('file:///root/reports/r1.html', '/work/repo', '/root')).toBe('~/reports/r1.html');
    expect(displayPath('s3://bucket/r1/report.html', '/work/repo', '/root')).toBe('s3://bucket/r1/report.html');
  });
});
