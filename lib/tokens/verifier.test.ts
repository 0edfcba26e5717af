import { beforeAll, describe, expect, it } from "vitest";
import { baseClaims, fixture, makeKey, NOW_S, sign, type TestKey } from "../../test/support/token-kit";
import { createVerifier } from "./verifier";

let rs: TestKey;
beforeAll(async () => {
  rs = await makeKey("RS256", "rs-1");
});

describe("createVerifier", () => {
  it("serves a repeated valid token from the cache", async () => {
    const f = fixture([rs]);
    const v = createVerifier();
    const token = await sign(rs);
    const first = await v.verify(token, f.target);
    const second = await v.verify(token, f.target);
    expect(first).toMatchObject({ verdict: "accept", cached: false });
    expect(second).toMatchObject({ verdict: "accept", cached: true, fingerprint: first.fingerprint });
    expect(v.stats()).toMatchObject({ size: 1, hits: 1, misses: 1 });
    expect(v.cachedVerdict(token, f.target)).toBe(second); // the same object, synchronously
    expect(v.cachedVerdict(await sign(rs, baseClaims({ sub: "other" })), f.target)).toBeUndefined();
  });

  it("says until when a cached verdict is served: the earlier of exp and ttlMs", async () => {
    const f = fixture([rs]);
    const v = createVerifier({ ttlMs: 60_000 });
    const short = await sign(rs, baseClaims({ exp: NOW_S + 10 }));
    const long = await sign(rs, baseClaims({ exp: NOW_S + 3600 }));
    await v.verify(short, f.target);
    await v.verify(long, f.target);
    expect(v.cachedVerdict(short, f.target)?.cachedUntil).toBe((NOW_S + 10) * 1000);
    expect(v.cachedVerdict(long, f.target)?.cachedUntil).toBe(NOW_S * 1000 + 60_000);
  });

  it("never serves a cached verdict past the token's exp", async () => {
    const f = fixture([rs]);
    const v = createVerifier({ ttlMs: 60_000 });
    const token = await sign(rs, baseClaims({ exp: NOW_S + 10 }));
    expect((await v.verify(token, f.target)).cached).toBe(false);
    f.setNow(NOW_S + 9);
    expect((await v.verify(token, f.target)).cached).toBe(true);
    f.setNow(NOW_S + 10);
    const after = await v.verify(token, f.target);
    expect(after.cached).toBe(false);
    expect(after.verdict).toBe("accept"); // still inside the 60 s skew, but re-verified, not cached
    expect(v.stats().size).toBe(0);
  });

  it("expires cached verdicts after ttlMs (at most 60 s)", async () => {
    const f = fixture([rs]);
    const v = createVerifier({ ttlMs: 5_000 });
    const token = await sign(rs);
    await v.verify(token, f.target);
    f.setNow(NOW_S + 4);
    expect((await v.verify(token, f.target)).cached).toBe(true);
    f.setNow(NOW_S + 6);
    expect((await v.verify(token, f.target)).cached).toBe(false);

    const capped = createVerifier({ ttlMs: 10 * 60_000 });
    f.setNow(NOW_S);
    await capped.verify(token, f.target);
    f.setNow(NOW_S + 61);
    expect((await capped.verify(token, f.target)).cached).toBe(false);
  });

  it("does not cache rejections", async () => {
    const f = fixture([rs]);
    const v = createVerifier();
    const token = await sign(rs, baseClaims({ aud: "other" }));
    await v.verify(token, f.target);
    const again = await v.verify(token, f.target);
    expect(again).toMatchObject({ verdict: "reject", cached: false });
    expect(v.stats().size).toBe(0);
  });

  it("keeps at most cacheSize verdicts, evicting the least recently used", async () => {
    const f = fixture([rs]);
    const v = createVerifier({ cacheSize: 3 });
    const tokens = await Promise.all([1, 2, 3, 4].map((i) => sign(rs, baseClaims({ sub: `u${i}` }))));
    for (const t of tokens.slice(0, 3)) await v.verify(t, f.target);
    await v.verify(tokens[0], f.target); // touch the oldest
    await v.verify(tokens[3], f.target); // evicts tokens[1]
    expect(v.stats().size).toBe(3);
    expect((await v.verify(tokens[0], f.target)).cached).toBe(true);
    expect((await v.verify(tokens[1], f.target)).cached).toBe(false);
  });

  it("misses the cache when the target's configuration changes", async () => {
    const f = fixture([rs]);
    const v = createVerifier();
    const token = await sign(rs);
    await v.verify(token, f.target);
    const stricter = { ...f.target, server: { ...f.target.server, requiredScopes: ["admin"] } };
    const d = await v.verify(token, stricter);
    expect(d).toMatchObject({ cached: false, verdict: "reject", httpStatus: 403 });
  });

  it("hits the cache for an identical target rebuilt from the same configuration", async () => {
    const f = fixture([rs]);
    const v = createVerifier();
    const token = await sign(rs);
    await v.verify(token, f.target);
    const rebuilt = { ...f.target, server: { ...f.target.server }, provider: { ...f.target.provider } };
    expect((await v.verify(token, rebuilt)).cached).toBe(true);
  });

  it("coalesces concurrent verifications of the same token", async () => {
    const f = fixture([rs]);
    const v = createVerifier();
    const token = await sign(rs);
    const all = await Promise.all(Array.from({ length: 20 }, () => v.verify(token, f.target)));
    expect(all.every((d) => d.verdict === "accept")).toBe(true);
    expect(f.fetches()).toBe(1);
  });
});
