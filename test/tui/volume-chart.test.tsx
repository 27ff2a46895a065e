import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { VolumeChart } from '../../src/tui/components/volume-chart.js';

describe('VolumeChart', () => {
  // a day of minute buckets, flat with one spike: the whole window fits, the span is not cut
  const counts = Array.from({ length: 1440 }, (_, i) => (i === 700 ? 900 : 30));
  const histogram = { counts, anomalous: counts.map((_, i) => i === 700), bucketSeconds: 60 };

  // (ink-testing-library draws 100 columns; 200 is covered by the sparkline tests in format.test.ts)
  for (const width of [80, 100]) {
    it(`at ${width} columns: one line of bars, the span at its end, no comb`, () => {
      const { lastFrame, unmount } = render(<VolumeChart histogram={histogram} width={width} />);
      const [bars, marks] = lastFrame()!.split('\n');
      unmount();
      expect(bars).toMatch(/^volume {2}[▁-█]+ {2}24h00m$/);
      expect(Array.from(bars).length).toBeLessThanOrEqual(width);
      const blocks = Array.from(bars.slice('volume  '.length, -'  24h00m'.length));
      // flat traffic is one height everywhere; the spike's column alone is taller
      expect(new Set(blocks).size).toBe(2);
      expect(blocks.filter((b) => b === '█')).toHaveLength(1);
      expect(marks).toMatch(/^ +▲ +▲ anomalous$/);
    });
  }
});
