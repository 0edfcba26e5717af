/**
 * Micro-benchmark of the verification pipeline (not a test; no assertions):
 *   node --import tsx bench/verify-micro.ts
 * Prints µs per verification: raw jose compactVerify, the synchronous path the
 * signature check takes (sync-signature.ts), the full uncached
 * pipeline, and the cached verifier (hits, and a 10k distinct-token pool).
 */
import { compactVerify } from "jose";
import { baseClaims, fixture, makeKey, sign } from "../test/support/token-kit";
import { syncVerifier } from "../lib/tokens/sync-signature";
import { createVerifier } from "../lib/tokens/verifier";
import { verifyAccessToken } from "../lib/tokens/verify";

async function time(label: string, n: number, fn: (i: number) => Promise<unknown>) {
  for (let i = 0; i < Math.min(n, 2000); i++) await fn(i); // warm-up (JIT, key import)
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  const us = Number(process.hrtime.bigint() - t0) / 1e3 / n;
  console.log(
    `${label.padEnd(52)} ${us.toFixed(2).padStart(8)} µs/op  (${Math.round(1e6 / us).toLocaleString("en")} ops/s)`,
  );
  return us;
}

async function main() {
  for (const alg of ["RS256", "ES256", "EdDSA"] as const) {
    const key = await makeKey(alg, "k1");
    const f = fixture([key]);
    f.target.now = Date.now;
    const claims = () => baseClaims({ iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 3600 });
    const token = await sign(key, claims());
    const [cryptoKey] = await f.cache.getKeys({ kid: "k1", alg }).then((r) => (r.ok ? r.keys : []));
    console.log(`\n${alg}`);
    await time("jose compactVerify only", 10_000, () => compactVerify(token, cryptoKey, { algorithms: [alg] }));
    const sync = syncVerifier(cryptoKey, alg)!;
    await time("sync signature only (fast-jwt)", 10_000, async () => sync(token));
    await time("verifyAccessToken (uncached, full diagnosis)", 10_000, () => verifyAccessToken(token, f.target));
    const v = createVerifier();
    await time("createVerifier, same token (cache hit)", 200_000, () => v.verify(token, f.target));
    const pool = await Promise.all(Array.from({ length: 10_000 }, (_, i) => sign(key, { ...claims(), sub: `u${i}` })));
    // The gateway's default size (20k): the two-generation cache keeps at least half its bound, so a
    // 10k cache cycling through 10k tokens would miss on every pass.
    const v2 = createVerifier();
    await time("createVerifier, 10k distinct tokens, first pass", 10_000, (i) => v2.verify(pool[i], f.target));
    await time("createVerifier, 10k distinct tokens, warm", 100_000, (i) => v2.verify(pool[i % 10_000], f.target));
  }
}

void main();
