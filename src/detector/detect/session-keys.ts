/**
 * The keys of open sessions in typed arrays: a hash table from key to slot, and the slots in
 * opening order (the tracker closes the oldest first). A `Map<string, number>` did this with a key
 * string and an entry per session that lived for minutes of log time, so each was promoted and
 * died in the old generation, and the Map's table, copied whenever deletions filled it, was a
 * few MB of garbage each time: at 10M lines the old generation held three to five times what was
 * live. Here a session's key is bytes in an array allocated once; a key is made a string again
 * only for the few sessions kept as examples.
 */
import { grown } from '../../util/typed-array.js';

/** Key chars stored inline (request, trace and block ids fit); longer or non-Latin-1 keys stay strings. */
const KEY_BYTES = 40;

function hashOf(key: string): number {
  // FNV-1a
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0;
}

export class SessionKeys {
  private cap = 0;
  /** Open addressing, linear probing: slot + 1, 0 when empty. At most half full. */
  private table = new Int32Array(16);
  private mask = 15;
  private hash = new Int32Array(0);
  /** Key length in `bytes`, or -1 when the key is in `strings`. */
  private len = new Int32Array(0);
  private bytes = new Uint8Array(0);
  private readonly strings = new Map<number, string>();
  /** Opening order: a doubly linked list of slots (-1 ends it). */
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private head = -1;
  private tail = -1;
  private count = 0;
  /** The hash of the key `find` looked up last, for the `insert` that follows a miss. */
  private lastHash = 0;
  private lastKey: string | null = null;

  get size(): number {
    return this.count;
  }

  /** Makes room for slots 0..cap-1. */
  reserve(cap: number): void {
    if (cap <= this.cap) return;
    this.hash = grown(this.hash, cap);
    this.len = grown(this.len, cap);
    this.prev = grown(this.prev, cap);
    this.next = grown(this.next, cap);
    this.bytes = grown(this.bytes, cap * KEY_BYTES);
    this.cap = cap;
    let size = 16;
    while (size < 2 * cap) size *= 2;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- the chain from head links open slots only
    for (let s = this.head; s !== -1; s = this.next[s]!) this.place(s);
  }

  /** The slot of `key`, or -1 when no open session has it. */
  find(key: string): number {
    const h = hashOf(key);
    this.lastHash = h;
    this.lastKey = key;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.table[i];
      if (e === 0) return -1;
      if (this.hash[e - 1] === h && this.equals(e - 1, key)) return e - 1;
    }
  }

  /** Opens `slot` (free, reserved) under `key` (not open), as the newest. */
  insert(key: string, slot: number): void {
    const h = this.lastKey === key ? this.lastHash : hashOf(key);
    this.lastKey = null;
    this.hash[slot] = h;
    let latin1 = key.length <= KEY_BYTES;
    for (let i = 0; latin1 && i < key.length; i++) if (key.charCodeAt(i) > 0xff) latin1 = false;
    if (latin1) {
      this.len[slot] = key.length;
      const base = slot * KEY_BYTES;
      for (let i = 0; i < key.length; i++) this.bytes[base + i] = key.charCodeAt(i);
    } else {
      this.len[slot] = -1;
      // a copy: the key is cut from the line, and a slice would keep the whole line alive
      this.strings.set(slot, (' ' + key).slice(1));
    }
    this.place(slot);
    this.prev[slot] = this.tail;
    this.next[slot] = -1;
    if (this.tail === -1) this.head = slot;
    else this.next[this.tail] = slot;
    this.tail = slot;
    this.count++;
  }

  /** Closes `slot` (open). */
  remove(slot: number): void {
    const mask = this.mask;
    let i = this.hash[slot] & mask;
    while (this.table[i] !== slot + 1) i = (i + 1) & mask;
    // backward-shift deletion: later entries of the probe run move up, so no tombstones pile up
    for (let j = (i + 1) & mask; this.table[j] !== 0; j = (j + 1) & mask) {
      const e = this.table[j];
      const home = this.hash[e - 1] & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (!stays) {
        this.table[i] = e;
        i = j;
      }
    }
    this.table[i] = 0;
    if (this.len[slot] === -1) this.strings.delete(slot);
    const p = this.prev[slot];
    const n = this.next[slot];
    if (p === -1) this.head = n;
    else this.next[p] = n;
    if (n === -1) this.tail = p;
    else this.prev[n] = p;
    this.count--;
  }

  /** The key of an open slot, as a new string. */
  keyOf(slot: number): string {
    // eslint-disable-next-line @typescript-eslint/no-non-null-assertion -- a slot whose length is -1 keeps its key in strings
    if (this.len[slot] === -1) return this.strings.get(slot)!;
    const base = slot * KEY_BYTES;
    return String.fromCharCode(...this.bytes.subarray(base, base + this.len[slot]));
  }

  /** The oldest open slot, or -1. */
  oldest(): number {
    return this.head;
  }

  /** The slot opened after `slot`, or -1 (read it before closing `slot`). */
  after(slot: number): number {
    return this.next[slot];
  }

  private place(slot: number): void {
    let i = this.hash[slot] & this.mask;
    while (this.table[i] !== 0) i = (i + 1) & this.mask;
    this.table[i] = slot + 1;
  }

  private equals(slot: number, key: string): boolean {
    const n = this.len[slot];
    if (n === -1) return this.strings.get(slot) === key;
    if (n !== key.length) return false;
    const base = slot * KEY_BYTES;
    for (let i = 0; i < n; i++) if (this.bytes[base + i] !== key.charCodeAt(i)) return false;
    return true;
  }
}
