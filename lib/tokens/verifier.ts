/**
 * The proxy's cached front for verifyAccessToken (the inspector and CLI call
 * the uncached function so they always see fresh checks).
 *
 * Only accepted verdicts are cached, for min(ttlMs, time left until `exp`):
 * a cached verdict can never outlive the token. Rejections are not cached, so
 * a token rejected for an unknown kid passes as soon as the JWKS has the key.
 * Keys are sha256(token) + a hash of the target's content, so any config change
 * (audiences, issuer, scopes, JWKS URL…) misses the cache. Concurrent
 * verifications of the same token and target share one run.
 * Trade-off: a key removed from the JWKS keeps verdicts valid up to ttlMs.
 */
import { createHash } from "node:crypto";
import { tokenHash } from "./fingerprint";
import { ExpiringLru } from "./lru";
import type { Diagnosis, VerifyTarget } from "./types";
import { runPipeline } from "./verify";

export type VerifierOptions = {
  /** Maximum cached verdicts. Default 20,000 (compact entries, a few MB). */
  cacheSize?: number;
  /** Maximum lifetime of a cached verdict. Default and upper bound 60 s. */
  ttlMs?: number;
};

export type CachedDiagnosis = Diagnosis & {
  cached: boolean;
  /** On cached verdicts: when the cache lets go of it (epoch ms), never after the token's exp. */
  cachedUntil?: number;
};

export type Verifier = {
  verify(token: string, target: VerifyTarget): Promise<CachedDiagnosis>;
  /** The cached verdict, synchronously, or undefined (then call verify). Lets the hot path skip a promise per request. */
  cachedVerdict(token: string, target: VerifyTarget): CachedDiagnosis | undefined;
  stats(): { size: number; hits: number; misses: number };
  clear(): void;
};

export const MAX_VERDICT_TTL_MS = 60_000;

export function createVerifier(opts: VerifierOptions = {}): Verifier {
  const ttlMs = Math.min(opts.ttlMs ?? MAX_VERDICT_TTL_MS, MAX_VERDICT_TTL_MS);
  // Entries are stored as returned (cached: true) so a hit allocates nothing; callers must not mutate them.
  const cache = new ExpiringLru<CachedDiagnosis>(opts.cacheSize ?? 20_000);
  const inflight = new Map<string, Promise<Diagnosis>>();
  let hits = 0;
  let misses = 0;

  function lookup(key: string, now: number): CachedDiagnosis | undefined {
    const hit = cache.get(key, now);
    if (hit) hits++;
    return hit;
  }

  // The proxy asks cachedVerdict() and, on a miss, verify() for the same token at once: remember the
  // last token's sha256 so a never-seen token is hashed once, not twice.
  let lastToken = "";
  let lastHash = "";
  function hashOf(token: string): string {
    if (token !== lastToken) {
      lastHash = tokenHash(token);
      lastToken = token;
    }
    return lastHash;
  }

  function cachedVerdict(token: string, target: VerifyTarget): CachedDiagnosis | undefined {
    return lookup(`${hashOf(token)}:${targetKey(target)}`, (target.now ?? Date.now)());
  }

  async function verify(token: string, target: VerifyTarget): Promise<CachedDiagnosis> {
    // The cache key and the pipeline's fingerprint share one hash.
    const now = (target.now ?? Date.now)();
    const hash = hashOf(token);
    const key = `${hash}:${targetKey(target)}`;
    const hit = lookup(key, now);
    if (hit) return hit;
    misses++;
    let run = inflight.get(key);
    if (!run) {
      run = runPipeline(token, target, hash).finally(() => inflight.delete(key));
      inflight.set(key, run);
      const d = await run;
      if (d.verdict === "accept" && d.expiresAt !== undefined) {
        const until = Math.min(now + ttlMs, d.expiresAt * 1000);
        if (until > now) cache.set(key, compact(d, until), until);
      }
      return { ...d, cached: false };
    }
    return { ...(await run), cached: false };
  }

  return {
    verify,
    cachedVerdict,
    stats: () => ({ size: cache.size, hits, misses }),
    clear: () => cache.clear(),
  };
}

/**
 * What a cached verdict keeps: the verdict and identity the proxy needs, not the
 * per-check detail (about 2.4 KB per token). Tens of thousands of cached tokens
 * then cost a few MB; the inspector always re-runs the full pipeline.
 */
function compact(d: Diagnosis, cachedUntil: number): CachedDiagnosis {
  return {
    cached: true,
    cachedUntil,
    verdict: d.verdict,
    httpStatus: d.httpStatus,
    checks: [],
    signatureVerified: d.signatureVerified,
    subject: d.subject,
    clientId: d.clientId,
    scopes: d.scopes,
    expiresAt: d.expiresAt,
    fingerprint: d.fingerprint,
    server: d.server,
    provider: d.provider,
    keySource: d.keySource,
    checkedAt: d.checkedAt,
  };
}

const targetKeys = new WeakMap<VerifyTarget, string>();

/**
 * Content hash of everything in a target that affects the verdict. Memoized
 * per target object: the proxy compiles targets once per config version, so
 * treat targets as immutable.
 */
function targetKey(t: VerifyTarget): string {
  let k = targetKeys.get(t);
  if (!k) {
    const content = JSON.stringify([
      t.server,
      t.provider,
      t.expectedAudiences.map((e) => e.value),
      t.keys.status().url,
    ]);
    k = createHash("sha256").update(content).digest("base64url").slice(0, 22);
    targetKeys.set(t, k);
  }
  return k;
}
