/**
 * With a session key, lines in flight are promoted faster than without one (more allocation per
 * line, so more scavenges per batch), and the old generation's size is what was live after the
 * last full collection times a growing factor V8 picks from its collector's and the program's
 * speeds, up to 4x on a 64-bit heap. On a loaded machine it picked near the top: 10M lines peaked
 * at 150 MB of RSS in one run and over 200 MB in the next, for the same 15-20 MB live.
 * `--heap-growing-percent` fixes the factor at 1.5x, which costs a few more full collections of
 * a small heap. V8 reads it whenever it sets the next limit, so setting it once the first session
 * tracker starts is early enough; it holds for the rest of the process.
 *
 * The young generation is the other large part: V8 doubles its two semi-spaces while scavenges
 * keep finding survivors, up to 16 MB each, 32 MB of RSS for what is mostly dead lines. Its
 * ceiling (`--max-semi-space-size`) is read only when the process starts, but the doubling factor
 * (`--semi-space-growth-factor`) is read at every growth: `capYoungGeneration` sets it to 1 once
 * the semi-spaces have reached YOUNG_CAP, and back to 2 should V8 shrink them (it does while the
 * program allocates little, e.g. waiting for input), so they stay at the cap, not below it.
 */
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Both semi-spaces together (V8's `new_space` size). 8 MB: at 10M lines -24 MB of RSS, same throughput. */
export const YOUNG_CAP = 8 << 20;

let limited = false;
let growing = true;

export function limitHeapGrowth(): void {
  if (!limited) {
    limited = true;
    setFlagsFromString('--heap-growing-percent=50');
  }
  capYoungGeneration();
}

/**
 * Stops the young generation's growth at YOUNG_CAP (V8 default growth below it). Cheap enough to
 * call every few thousand lines: V8 grows it at most once per scavenge, by a factor of 2.
 */
export function capYoungGeneration(): void {
  let young = 0;
  for (const s of getHeapSpaceStatistics()) if (s.space_name === 'new_space') young = s.space_size;
  const grow = young < YOUNG_CAP;
  if (grow === growing) return;
  growing = grow;
  setFlagsFromString(`--semi-space-growth-factor=${grow ? 2 : 1}`);
}
