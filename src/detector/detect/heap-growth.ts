/**
 * With a session key, lines in flight are promoted faster than without one (more allocation per
 * line, so more scavenges per batch), and the old generation's size is what was live after the
 * last full collection times a growing factor V8 picks from its collector's and the program's
 * speeds, up to 4x on a 64-bit heap. On a loaded machine it picked near the top: 10M lines peaked
 * at 150 MB of RSS in one run and over 200 MB in the next, for the same 15-20 MB live.
 * `--heap-growing-percent` fixes the factor at 1.5x, which costs a few more full collections of
 * a small heap. V8 reads it whenever it sets the next limit, so setting it once the first session
 * tracker starts is early enough; it holds for the rest of the process.
 */
import { setFlagsFromString } from 'node:v8';

let limited = false;

export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  setFlagsFromString('--heap-growing-percent=50');
}
