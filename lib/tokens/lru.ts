/**
 * A small bounded LRU with per-entry expiry, on Map's insertion order: a hit
 * re-inserts the key (most recent last), eviction drops the first key.
 * O(1) per operation and no timers; expired entries die on access or eviction.
 */
export class ExpiringLru<V> {
  private readonly map = new Map<string, { value: V; expiresAt: number }>();
  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1)) throw new RangeError("maxEntries must be at least 1");
  }

  get(key: string, now: number): V | undefined {
    const e = this.map.get(key);
    if (!e) return undefined;
    this.map.delete(key);
    if (e.expiresAt <= now) return undefined;
    this.map.set(key, e);
    return e.value;
  }

  set(key: string, value: V, expiresAt: number) {
    this.map.delete(key);
    if (this.map.size >= this.maxEntries) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, expiresAt });
  }

  get size() {
    return this.map.size;
  }

  clear() {
    this.map.clear();
  }
}
