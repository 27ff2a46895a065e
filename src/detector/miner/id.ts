/** Template ids: 8 hex chars of FNV-1a over the template a cluster was born with (deterministic). */
export function fnv1a(s: string, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export function templateIdFor(template: string, taken: (id: string) => boolean): string {
  let seed = 0x811c9dc5;
  for (;;) {
    const id = fnv1a(template, seed).toString(16).padStart(8, '0');
    if (!taken(id)) return id;
    seed = (seed + 0x9e3779b1) >>> 0;
  }
}
