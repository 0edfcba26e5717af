import { describe, expect, it } from "vitest";
import { takeTokens } from "./bucket";
import { createMcpRateLimiter, type SharedBuckets } from "./limiter";

/** The SQL statement's arithmetic, in memory: what PostgreSQL does for every replica. */
function memoryShared(): SharedBuckets & { tats: Map<string, number> } {
  const tats = new Map<string, number>();
  return {
    tats,
    async add(entries, now) {
      const out = new Map<string, number>();
      for (const e of entries) {
        const t = Math.max(tats.get(e.key) ?? 0, now) + e.addMs;
        tats.set(e.key, t);
        out.set(e.key, t);
      }
      return out;
    },
  };
}

describe("token buckets", () => {
  it("allows a burst of capacity, then one per interval, and says how long to wait", () => {
    const s = { tat: 0 };
    const spec = { capacity: 3, refillPerSecond: 2 };
    expect([0, 0, 0].map(() => takeTokens(s, spec, 1000))).toEqual([0, 0, 0]);
    expect(takeTokens(s, spec, 1000)).toBe(500);
    expect(takeTokens(s, spec, 1500)).toBe(0);
    expect(takeTokens(s, spec, 1500, 2)).toBe(1000);
  });
});

describe("MCP rate limiter across replicas", () => {
  const spec = { capacity: 20, refillPerSecond: 10 };

  it("is exact on one replica", () => {
    let t = 0;
    const l = createMcpRateLimiter({ now: () => t, syncMs: 60_000 });
    let admitted = 0;
    for (let i = 0; i < 1000; i++, t += 10) if (l.take("k", spec) === 0) admitted++;
    // 10 s at 100 req/s offered: the burst plus 10 per second.
    expect(admitted).toBe(20 + 99);
    void l.stop();
  });

  it("holds within (replicas − 1) × (capacity + rate × sync interval) when a caller spreads over replicas", async () => {
    const R = 3;
    const syncMs = 1000;
    let t = 0;
    const shared = memoryShared();
    const replicas = Array.from({ length: R }, () => createMcpRateLimiter({ now: () => t, shared, syncMs: 3_600_000 }));
    let admitted = 0;
    const durationMs = 30_000;
    for (let step = 0; t < durationMs; step++, t += 5) {
      // 200 req/s offered, round robin, every replica reporting once per sync interval.
      if (replicas[step % R].take("k", spec) === 0) admitted++;
      if (t % syncMs === 0) for (const r of replicas) await r.sync();
    }
    const exact = spec.capacity + (spec.refillPerSecond * durationMs) / 1000;
    const tolerance = (R - 1) * (spec.capacity + (spec.refillPerSecond * syncMs) / 1000);
    // Overspending is paid back after the next sync, so a spread caller may also get a little less, never more
    // than the same tolerance.
    expect(Math.abs(admitted - exact)).toBeLessThanOrEqual(tolerance);
    // Far below what three independent buckets would let through.
    expect(admitted).toBeLessThan(R * exact * 0.6);
    for (const r of replicas) await r.stop();
  });

  it("lets through at most capacity per replica in a burst before any sync: within the tolerance", () => {
    const t = 0;
    const replicas = [0, 1, 2].map(() => createMcpRateLimiter({ now: () => t, shared: memoryShared() }));
    let admitted = 0;
    for (let i = 0; i < 300; i++) if (replicas[i % 3].take("k", spec) === 0) admitted++;
    expect(admitted).toBe(3 * spec.capacity);
    expect(admitted).toBeLessThanOrEqual(spec.capacity + 2 * (spec.capacity + spec.refillPerSecond));
    for (const r of replicas) void r.stop();
  });

  it("refuses on a replica once another spent the caller's bucket and both synced", async () => {
    let t = 1_000_000;
    const shared = memoryShared();
    const [a, b] = [0, 1].map(() => createMcpRateLimiter({ now: () => t, shared, syncMs: 3_600_000 }));
    for (let i = 0; i < spec.capacity; i++) expect(a.take("k", spec)).toBe(0);
    expect(a.take("k", spec)).toBeGreaterThan(0);
    await a.sync();
    b.take("other", spec); // b has never seen "k"
    expect(b.take("k", spec)).toBe(0); // before b's sync: b's view is a full bucket (the tolerance)
    await b.sync();
    expect(b.take("k", spec)).toBeGreaterThan(0);
    t += 1000; // 10 tokens back, minus the one b spent
    let again = 0;
    while (b.take("k", spec) === 0) again++;
    expect(again).toBe(9);
    await a.stop();
    await b.stop();
  });

  it("keeps counting locally when the shared store fails, and reports the backlog later", async () => {
    const t = 0;
    let fail = true;
    const shared = memoryShared();
    const l = createMcpRateLimiter({
      now: () => t,
      syncMs: 3_600_000,
      shared: { add: (e, n) => (fail ? Promise.reject(new Error("db down")) : shared.add(e, n)) },
    });
    for (let i = 0; i < 5; i++) l.take("k", spec);
    await l.sync();
    expect(l.stats()).toMatchObject({ syncFailures: 1, lastSyncError: "db down" });
    fail = false;
    await l.sync();
    expect(shared.tats.get("k")).toBe(500); // 5 tokens of 100 ms each, from t = 0
    await l.stop();
  });
});
