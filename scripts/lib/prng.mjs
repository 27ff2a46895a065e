// A small seeded PRNG (sfc32 seeded through splitmix32): the same seed gives the same logs on
// every machine and Node version, which Math.random cannot promise.
export function createRng(seed) {
  let s = (Number(seed) >>> 0) || 0x9e3779b9;
  const split = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = split(), b = split(), c = split(), d = split();
  const next = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  const rng = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (arr) => arr[Math.floor(next() * arr.length)],
    chance: (p) => next() < p,
    hex: (n) => {
      let out = '';
      while (out.length < n) out += Math.floor(next() * 4294967296).toString(16).padStart(8, '0');
      return out.slice(0, n);
    },
    /** Exponential with the given mean (Poisson arrivals). */
    exp: (mean) => -Math.log(1 - next()) * mean,
    /** Log-normal-ish latency in ms around a median. */
    latency: (median, spread = 0.6) => Math.max(1, Math.round(median * Math.exp(spread * gauss()))),
  };
  function gauss() {
    // Box-Muller; one value per call keeps the sequence simple.
    const u = 1 - next();
    const v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
  return rng;
}
