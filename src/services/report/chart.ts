/**
 * The event-volume histogram as an inline SVG bar chart (no scripts, no external assets), with
 * the buckets that hold findings drawn in red. Long runs are merged down to at most MAX_BARS bars.
 */
import type { AnomaliesDoc } from '../../detector/anomalies-schema.js';
import { formatTime } from './model.js';

const MAX_BARS = 120;
const WIDTH = 720;
const HEIGHT = 120;

interface Bar {
  readonly count: number;
  readonly anomalous: boolean;
  readonly start: number | null;
}

export function mergeBuckets(h: AnomaliesDoc['histogram'], maxBars = MAX_BARS): { bars: Bar[]; bucketSeconds: number } {
  const factor = Math.max(1, Math.ceil(h.counts.length / maxBars));
  const bars: Bar[] = [];
  for (let i = 0; i < h.counts.length; i += factor) {
    let count = 0;
    let anomalous = false;
    for (let j = i; j < Math.min(i + factor, h.counts.length); j++) {
      count += h.counts[j];
      anomalous ||= h.anomalous[j] ?? false;
    }
    bars.push({ count, anomalous, start: h.start === null ? null : h.start + i * h.bucketSeconds * 1000 });
  }
  return { bars, bucketSeconds: h.bucketSeconds * factor };
}

export function renderHistogramSvg(h: AnomaliesDoc['histogram']): string {
  if (h.counts.length === 0) return '<p class="muted">No timestamped events to chart.</p>';
  const { bars, bucketSeconds } = mergeBuckets(h);
  const max = Math.max(1, ...bars.map((b) => b.count));
  const w = WIDTH / bars.length;
  const rects = bars.map((b, i) => {
    const bh = Math.max(b.count > 0 ? 1 : 0, Math.round((b.count / max) * (HEIGHT - 4)));
    const cls = b.anomalous ? 'bar anomalous' : 'bar';
    // Numbers and ISO times only: nothing log-derived goes into the chart.
    const title = `${formatTime(b.start)}: ${b.count} events${b.anomalous ? ' (anomalous)' : ''}`;
    return `<rect class="${cls}" x="${(i * w).toFixed(2)}" y="${HEIGHT - bh}" width="${Math.max(1, w - 1).toFixed(2)}" height="${bh}"><title>${title}</title></rect>`;
  });
  const marked = bars.filter((b) => b.anomalous).length;
  return [
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="Events per ${bucketSeconds}s bucket, ${marked} anomalous">`,
    ...rects,
    '</svg>',
    `<p class="muted">Events per ${bucketSeconds}s bucket (max ${max}); <span class="swatch anomalous"></span> buckets with findings: ${marked}.</p>`,
  ].join('\n');
}
