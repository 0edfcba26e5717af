/**
 * A bounded cache with per-entry expiry, for the hot path. Two generations of
 * Maps instead of a delete-and-reinsert LRU: V8's Map keeps deleted slots until
 * it rehashes, so a large LRU that deletes on every hit slows down as
 * tombstones pile up. Here nothing is ever
 * deleted one by one: new entries go to `young`; when it holds half the bound,
 * it becomes `old` and the previous `old` is dropped whole. A hit in `old` is
 * promoted, so recently used entries survive rotations (approximate LRU).
 * O(1) per operation, at most `maxEntries` entries, no timers.
 */
export class ExpiringLru<V> {
  private young = new Map<string, { value: V; expiresAt: number }>();
  private old = new Map<string, { value: V; expiresAt: number }>();
  private readonly generation: number;

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError("maxEntries must be at least 1");
    // young < generation and old ≤ generation: at most 2·generation − 1 ≤ maxEntries.
    this.generation = Math.ceil(maxEntries / 2);
  }

  get(key: string, now: number): V | undefined {
    const e = this.young.get(key);
    if (e) {
      if (e.expiresAt > now) return e.value;
      this.young.delete(key); // rare: expiry, not every hit
      return undefined;
    }
    const o = this.old.get(key);
    if (!o) return undefined;
    this.old.delete(key);
    if (o.expiresAt <= now) return undefined;
    this.insert(key, o);
    return o.value;
  }

  set(key: string, value: V, expiresAt: number) {
    this.insert(key, { value, expiresAt });
  }

  private insert(key: string, e: { value: V; expiresAt: number }) {
    const fresh = !this.young.has(key);
    this.young.set(key, e);
    if (fresh && this.young.size >= this.generation) {
      this.old = this.young;
      this.young = new Map();
    }
  }

  get size() {
    return this.young.size + this.old.size;
  }

  clear() {
    this.young = new Map();
    this.old = new Map();
  }
}
