import http from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { JwksCache, JwksRegistry } from "./jwks-cache";
import { parseJwks } from "./jwk-select";
import { makeKey, type TestKey } from "../../test/support/token-kit";

let rs: TestKey, rs2: TestKey, es: TestKey;
beforeAll(async () => {
  [rs, rs2, es] = await Promise.all([makeKey("RS256", "k1"), makeKey("RS256", "k2"), makeKey("ES256", "e1")]);
});

/** A cache over a controllable in-memory JWKS endpoint and clock. */
function harness(opts: { delayMs?: number } = {}) {
  let t = 1_000_000;
  let jwks: unknown = { keys: [rs.jwk] };
  let failing: Error | null = null;
  let fetches = 0;
  const cache = new JwksCache({
    url: "https://idp.test/jwks",
    now: () => t,
    fetcher: async () => {
      fetches++;
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (failing) throw failing;
      return jwks;
    },
  });
  return {
    cache,
    fetches: () => fetches,
    advance: (ms: number) => (t += ms),
    serve: (keys: unknown) => (jwks = keys),
    fail: (e: Error | null) => (failing = e),
  };
}

describe("JwksCache", () => {
  it("a cold burst of concurrent requests causes exactly one fetch", async () => {
    const h = harness({ delayMs: 20 });
    const results = await Promise.all(Array.from({ length: 200 }, () => h.cache.getKeys({ kid: "k1", alg: "RS256" })));
    expect(h.fetches()).toBe(1);
    expect(results.every((r) => r.ok)).toBe(true);
  });

  it("imports each key once and reuses the CryptoKey", async () => {
    const h = harness();
    const a = await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    const b = await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    expect(a.ok && b.ok && a.keys[0] === b.keys[0]).toBe(true);
  });

  it("refetches an unknown kid at most once per cooldown, coalescing concurrent misses", async () => {
    const h = harness({ delayMs: 10 });
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.advance(31_000);
    const misses = await Promise.all(Array.from({ length: 50 }, () => h.cache.getKeys({ kid: "nope", alg: "RS256" })));
    expect(h.fetches()).toBe(2);
    expect(misses.every((r) => !r.ok && r.code === "key_not_found" && r.refetched)).toBe(true);
    h.advance(10_000); // still inside the 30 s cooldown
    const again = await h.cache.getKeys({ kid: "nope", alg: "RS256" });
    expect(again).toMatchObject({ ok: false, code: "key_not_found", refetched: false });
    expect(h.fetches()).toBe(2);
    h.advance(21_000);
    await h.cache.getKeys({ kid: "nope", alg: "RS256" });
    expect(h.fetches()).toBe(3);
  });

  it("picks up a rotated key on an unknown kid", async () => {
    const h = harness();
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.advance(30_000);
    h.serve({ keys: [rs.jwk, rs2.jwk] });
    const r = await h.cache.getKeys({ kid: "k2", alg: "RS256" });
    expect(r).toMatchObject({ ok: true, refetched: true });
    expect(h.cache.status().kids).toEqual(["k1", "k2"]);
  });

  it("refreshes in the background after max age without blocking requests", async () => {
    const h = harness({ delayMs: 50 });
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.advance(11 * 60_000);
    h.serve({ keys: [rs.jwk, rs2.jwk] });
    const t0 = performance.now();
    const r = await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    expect(performance.now() - t0).toBeLessThan(25); // did not wait for the 50 ms fetch
    expect(r.ok).toBe(true);
    expect(h.cache.status().state).toBe("stale");
    expect(h.fetches()).toBe(2);
    await h.cache.refresh(); // joins the background fetch
    expect(h.fetches()).toBe(2);
    expect(h.cache.status()).toMatchObject({ state: "fresh", kids: ["k1", "k2"] });
  });

  it("serves stale keys while refreshing fails, up to the limit, then fails closed", async () => {
    const h = harness();
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.fail(new Error("IdP down"));
    h.advance(11 * 60_000);
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
    await Promise.resolve();
    await new Promise((r) => setImmediate(r));
    expect(h.cache.status().lastError?.message).toBe("IdP down");
    h.advance(23 * 3_600_000);
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
    h.advance(3_600_000); // now older than 24 h
    const r = await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    expect(r).toMatchObject({ ok: false, code: "jwks_unavailable" });
    expect(h.cache.status().state).toBe("expired");
    h.fail(null);
    h.advance(30_000);
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
  });

  it("fails closed with no keys, and retries only after the cooldown", async () => {
    const h = harness();
    h.fail(new Error("connect ECONNREFUSED"));
    const r = await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    expect(r).toMatchObject({ ok: false, code: "jwks_unavailable" });
    expect(h.fetches()).toBe(1);
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    expect(h.fetches()).toBe(1);
    h.advance(30_000);
    h.fail(null);
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
    expect(h.fetches()).toBe(2);
  });

  it("keeps the previous keys when the IdP serves an invalid or empty JWKS", async () => {
    const h = harness();
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.serve({ keys: [] });
    h.advance(30_000);
    expect(await h.cache.refresh()).toBe(false);
    expect(h.cache.status()).toMatchObject({ kids: ["k1"], lastError: { code: "jwks_invalid" } });
  });

  it("without kid returns every key compatible with the alg", async () => {
    const h = harness();
    h.serve({ keys: [rs.jwk, rs2.jwk, es.jwk] });
    const r = await h.cache.getKeys({ alg: "RS256" });
    expect(r.ok && r.keys.length).toBe(2);
  });

  it("exposes status for the inspector", async () => {
    const h = harness();
    expect(h.cache.status()).toMatchObject({
      url: "https://idp.test/jwks",
      fetchedAt: null,
      ageMs: null,
      state: "cold",
      kids: [],
    });
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.advance(5_000);
    expect(h.cache.status()).toMatchObject({
      ageMs: 5_000,
      kids: ["k1"],
      keyCount: 1,
      lastError: null,
      state: "fresh",
      fetchCount: 1,
    });
  });

  it("fetches through the safe fetcher from a loopback server by default", async () => {
    let hits = 0;
    const server = http.createServer((_req, res) => {
      hits++;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [rs.jwk] }));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const cache = new JwksCache({ url });
      const rs256 = await Promise.all(Array.from({ length: 20 }, () => cache.getKeys({ kid: "k1", alg: "RS256" })));
      expect(rs256.every((r) => r.ok)).toBe(true);
      expect(hits).toBe(1);
    } finally {
      server.close();
    }
  });
});

/** A cache whose fetches are settled by the test: each fetch waits for serve() or fail() (a hung IdP until then). */
function manualHarness(opts: { maxWaitMs?: number } = {}) {
  let t = 1_000_000;
  const pending: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const cache = new JwksCache({
    url: "https://idp.test/jwks",
    now: () => t,
    maxWaitMs: opts.maxWaitMs,
    fetcher: () => new Promise((resolve, reject) => pending.push({ resolve, reject })),
  });
  return {
    cache,
    fetches: () => pending.length,
    advance: (ms: number) => (t += ms),
    /** Answers the latest fetch. */
    serve: (jwks: unknown) => pending.at(-1)!.resolve(jwks),
    fail: (e: Error) => pending.at(-1)!.reject(e),
  };
}

const timed = async <T>(p: Promise<T>) => {
  const t0 = performance.now();
  const value = await p;
  return { value, ms: performance.now() - t0 };
};

describe("JwksCache after IdP failures", () => {
  it("retries a failed fetch after retryMs, so a key rotated during an outage is accepted about a second after the IdP returns", async () => {
    const h = harness();
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.advance(31_000);
    h.fail(new Error("connect ECONNREFUSED"));
    expect(await h.cache.getKeys({ kid: "k2", alg: "RS256" })).toMatchObject({ ok: false, refetched: true });
    expect(h.fetches()).toBe(2);
    // The IdP is back with the new key. Inside the 1 s retry interval nothing is fetched...
    h.fail(null);
    h.serve({ keys: [rs.jwk, rs2.jwk] });
    h.advance(999);
    expect(await h.cache.getKeys({ kid: "k2", alg: "RS256" })).toMatchObject({ ok: false, refetched: false });
    expect(h.fetches()).toBe(2);
    // ...and at 1 s the key is fetched and accepted (not after the 30 s cooldown).
    h.advance(1);
    expect(await h.cache.getKeys({ kid: "k2", alg: "RS256" })).toMatchObject({ ok: true, refetched: true });
    expect(h.fetches()).toBe(3);
    // Once a fetch succeeded, unknown kids are back to one fetch per 30 s cooldown.
    h.advance(1_000);
    await h.cache.getKeys({ kid: "nope", alg: "RS256" });
    expect(h.fetches()).toBe(3);
  });

  it("a flood of unknown kids against a failing IdP fetches at most once per retry interval", async () => {
    const h = harness();
    await h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.fail(new Error("HTTP 503"));
    h.advance(31_000);
    const before = h.fetches();
    for (let step = 0; step < 100; step++) {
      // 10 s in 100 ms steps, 20 random kids each.
      const r = await Promise.all(
        Array.from({ length: 20 }, (_, i) => h.cache.getKeys({ kid: `x${step}-${i}`, alg: "RS256" })),
      );
      expect(r.every((x) => !x.ok)).toBe(true);
      h.advance(100);
    }
    expect(h.fetches() - before).toBe(10);
    // Known keys kept working throughout.
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
  });
});

describe("JwksCache with a hung IdP", () => {
  it("answers an unknown kid within maxWaitMs; the fetch continues and later requests use its result", async () => {
    const h = manualHarness({ maxWaitMs: 50 });
    const first = h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.serve({ keys: [rs.jwk] });
    expect((await first).ok).toBe(true);
    h.advance(31_000);

    const miss = await timed(h.cache.getKeys({ kid: "k2", alg: "RS256" }));
    expect(miss.value).toMatchObject({ ok: false, code: "jwks_unavailable", refetched: false });
    expect(!miss.value.ok && miss.value.message).toMatch(/did not finish within 50 ms.*continues in the background/);
    expect(miss.ms).toBeGreaterThanOrEqual(45);
    expect(miss.ms).toBeLessThan(1_000);
    expect(h.fetches()).toBe(2);

    // A second request joins the same fetch (no new one), bounded too.
    const again = await timed(h.cache.getKeys({ kid: "k2", alg: "RS256" }));
    expect(again.value).toMatchObject({ ok: false, code: "jwks_unavailable" });
    expect(again.ms).toBeLessThan(1_000);
    expect(h.fetches()).toBe(2);

    // The IdP finally answers: the next request uses that result without fetching again.
    h.serve({ keys: [rs.jwk, rs2.jwk] });
    await new Promise((r) => setImmediate(r));
    expect(await h.cache.getKeys({ kid: "k2", alg: "RS256" })).toMatchObject({ ok: true, refetched: false });
    expect(h.fetches()).toBe(2);
  });

  it("never makes a known key wait for a hung fetch", async () => {
    const h = manualHarness({ maxWaitMs: 5_000 });
    const first = h.cache.getKeys({ kid: "k1", alg: "RS256" });
    h.serve({ keys: [rs.jwk] });
    await first;
    h.advance(31_000);
    void h.cache.getKeys({ kid: "k2", alg: "RS256" }); // starts a fetch that hangs
    expect(h.fetches()).toBe(2);
    const known = await timed(h.cache.getKeys({ kid: "k1", alg: "RS256" }));
    expect(known.value.ok).toBe(true);
    expect(known.ms).toBeLessThan(25);
    h.advance(11 * 60_000); // stale: refreshed in the background, still no wait
    const stale = await timed(h.cache.getKeys({ kid: "k1", alg: "RS256" }));
    expect(stale.value.ok).toBe(true);
    expect(stale.ms).toBeLessThan(25);
    h.fail(new Error("timed out after 5000 ms"));
  });

  it("bounds the wait of a cold cache too", async () => {
    const h = manualHarness({ maxWaitMs: 30 });
    const r = await timed(h.cache.getKeys({ kid: "k1", alg: "RS256" }));
    expect(r.value).toMatchObject({ ok: false, code: "jwks_unavailable" });
    expect(r.ms).toBeLessThan(1_000);
    h.serve({ keys: [rs.jwk] });
    await new Promise((res) => setImmediate(res));
    expect((await h.cache.getKeys({ kid: "k1", alg: "RS256" })).ok).toBe(true);
    expect(h.fetches()).toBe(1);
  });
});

describe("JwksRegistry", () => {
  it("shares one cache per JWKS URL", () => {
    const reg = new JwksRegistry({ fetcher: async () => ({ keys: [] }) });
    expect(reg.get("https://a/jwks")).toBe(reg.get("https://a/jwks"));
    expect(reg.get("https://a/jwks")).not.toBe(reg.get("https://b/jwks"));
    reg.retain(["https://b/jwks"]);
    expect(reg.status().map((s) => s.url)).toEqual(["https://b/jwks"]);
  });
});

describe("parseJwks", () => {
  it("drops symmetric keys and strips private members", () => {
    const r = parseJwks({
      keys: [
        { kty: "oct", k: "c2VjcmV0" },
        { ...rs.jwk, d: "private!" },
      ],
    });
    expect(r.ok && r.keys.length).toBe(1);
    expect(r.ok && "d" in r.keys[0]).toBe(false);
  });

  it("rejects documents that are not a JWKS", () => {
    expect(parseJwks({ foo: 1 }).ok).toBe(false);
    expect(parseJwks("<html>").ok).toBe(false);
  });
});
