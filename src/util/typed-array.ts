/**
 * Growing the typed-array columns the detector keeps instead of arrays of objects (open sessions,
 * their keys and sample lines, the tokenizer's buffers): one copy routine rather than one per file.
 */
type Column = Int32Array | Uint32Array | Uint8Array | Float64Array;

/** A copy of `a` with room for `length` elements; the new tail holds `fill`. */
export function grown<T extends Column>(a: T, length: number, fill = 0): T {
  // A typed array's constructor makes one of its own kind; TypeScript types `constructor` as Function.
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}
