/**
 * JWKS cache built for the request path (jose's createRemoteJWKSet blocks
 * requests when its cache ages out; this one never does while keys are usable).
 *
 * - One fetch at a time per URL (single-flight): a cold burst of N requests,
 *   or N concurrent unknown kids, causes exactly one fetch.
 * - Unknown kid → refetch at most once per `cooldownMs` after a successful
 *   fetch (attackers spraying random kids cannot make us hammer the IdP), and
 *   once per `retryMs` after a failed one, so a key rotated while the IdP was
 *   down is accepted about a second after it comes back.
 * - A request waits at most `maxWaitMs` for a fetch; a slow or hung IdP then
 *   answers that request with `jwks_unavailable` while the fetch continues,
 *   and later requests use its result. Known keys never wait.
 * - Older than `maxAgeMs` → keep serving, refresh in the background.
 * - Refresh failing → keep serving the last good keys up to `staleLimitMs`,
 *   then fail closed. No keys at all → fail closed.
 * - Keys are imported once per (kid, alg) and the CryptoKey reused.
 * Refreshes are driven by requests (no timers), so an idle gateway makes no calls.
 */
import { importJWK } from "jose";
import { fetchJson } from "../net/fetch-json";
import { isFetchError } from "../net/errors";
import { errorMessage } from "../errors";
import { jwkFitsAlg, parseJwks, type PublicJwk } from "./jwk-select";
import type { KeyLookup, KeySource, KeySourceStatus } from "./types";

/** Returns the parsed JSON of the JWKS document, or throws. */
export type JwksFetcher = (url: string) => Promise<unknown>;

export type JwksCacheOptions = {
  url: string;
  fetcher?: JwksFetcher;
  now?: () => number;
  /** Age after which keys are refreshed in the background. Default 10 min. */
  maxAgeMs?: number;
  /** Minimum time between fetch attempts after a successful fetch (unknown kids, staleness). Default 30 s. */
  cooldownMs?: number;
  /** Minimum time between fetch attempts after a failed fetch. Default 1 s. */
  retryMs?: number;
  /** Longest a request waits for a fetch before it is answered without it. Default 1.5 s. */
  maxWaitMs?: number;
  /** Age after which keys are no longer served if refreshing keeps failing. Default 24 h. */
  staleLimitMs?: number;
  /** Observability hook (fetch results); must not throw. */
  onFetch?: (event: { url: string; ok: boolean; error?: string; durationMs: number; keys?: number }) => void;
};

export const JWKS_DEFAULTS = {
  maxAgeMs: 10 * 60_000,
  cooldownMs: 30_000,
  retryMs: 1_000,
  maxWaitMs: 1_500,
  staleLimitMs: 24 * 3_600_000,
} as const;

/** The production fetcher: admin-configured URL, through the outbound policy. */
export const defaultJwksFetcher: JwksFetcher = async (url) => (await fetchJson(url, { origin: "admin" })).data;

type Entry = { jwk: PublicJwk; imported: Map<string, Promise<CryptoKey | null>> };

export class JwksCache implements KeySource {
  readonly url: string;
  private readonly fetcher: JwksFetcher;
  private readonly now: () => number;
  private readonly maxAgeMs: number;
  private readonly cooldownMs: number;
  private readonly retryMs: number;
  private readonly maxWaitMs: number;
  private readonly staleLimitMs: number;
  private readonly onFetch?: JwksCacheOptions["onFetch"];

  private entries: Entry[] = [];
  private fetchedAt: number | null = null;
  private lastAttemptAt: number | null = null;
  private lastAttemptFailed = false;
  private lastError: KeySourceStatus["lastError"] = null;
  private inflight: Promise<boolean> | null = null;
  private fetchCount = 0;

  constructor(opts: JwksCacheOptions) {
    this.url = opts.url;
    this.fetcher = opts.fetcher ?? defaultJwksFetcher;
    this.now = opts.now ?? Date.now;
    this.maxAgeMs = opts.maxAgeMs ?? JWKS_DEFAULTS.maxAgeMs;
    this.cooldownMs = opts.cooldownMs ?? JWKS_DEFAULTS.cooldownMs;
    this.retryMs = opts.retryMs ?? JWKS_DEFAULTS.retryMs;
    this.maxWaitMs = opts.maxWaitMs ?? JWKS_DEFAULTS.maxWaitMs;
    this.staleLimitMs = opts.staleLimitMs ?? JWKS_DEFAULTS.staleLimitMs;
    this.onFetch = opts.onFetch;
  }

  async getKeys({ kid, alg }: { kid?: string; alg: string }): Promise<KeyLookup> {
    let refetched = false;
    let state = this.state(this.now());
    if (state === "cold" || state === "expired") {
      // Nothing servable: this request must wait for keys (joining any fetch in flight), up to maxWaitMs.
      if (this.inflight || this.mayAttempt()) {
        if (!(await this.refreshWithin())) return this.stillFetching(kid);
        refetched = true;
        state = this.state(this.now());
      }
      if (state === "cold" || state === "expired") {
        const why = this.lastError ? `${this.lastError.message}` : "not fetched yet";
        const message =
          state === "expired"
            ? `the cached keys are older than the ${this.staleLimitMs / 3_600_000} h limit and refreshing fails (${why})`
            : why;
        return { ok: false, code: "jwks_unavailable", message, refetched };
      }
    } else if (state === "stale" && this.mayAttempt()) {
      void this.refresh(); // stale-while-revalidate: never blocks this request
    }

    let found = this.match(kid, alg);
    if (found.length === 0 && !refetched && (this.inflight || this.mayAttempt())) {
      // Unknown kid: the IdP may have rotated. Concurrent misses share one fetch.
      if (!(await this.refreshWithin())) return this.stillFetching(kid);
      refetched = true;
      found = this.match(kid, alg);
    }
    const keys = (await Promise.all(found.map((e) => this.imported(e, alg)))).filter((k): k is CryptoKey => k !== null);
    if (keys.length === 0) {
      const sameKid = kid === undefined ? [] : this.entries.filter((e) => e.jwk.kid === kid);
      const message =
        sameKid.length > 0
          ? `key ${kid} exists but cannot verify ${alg} (it is a ${sameKid.map(describeJwk).join(", ")} key)`
          : kid === undefined
            ? `no key compatible with ${alg}`
            : `key ${kid} not found`;
      return { ok: false, code: "key_not_found", message, refetched };
    }
    return { ok: true, keys, kid, refetched };
  }

  /** Starts or joins a fetch; true when it settled within maxWaitMs (it keeps running either way). */
  private async refreshWithin(): Promise<boolean> {
    const fetch = this.refresh();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), this.maxWaitMs);
    });
    try {
      return await Promise.race([fetch.then(() => true), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private stillFetching(kid: string | undefined): KeyLookup {
    return {
      ok: false,
      code: "jwks_unavailable",
      message: `the JWKS fetch${kid === undefined ? "" : ` (for key ${kid})`} did not finish within ${this.maxWaitMs} ms; the IdP is slow or not answering, and the fetch continues in the background`,
      refetched: false,
    };
  }

  /** Forces a fetch (joins one in flight). Resolves true when keys were updated. */
  refresh(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    const started = this.now();
    this.lastAttemptAt = started;
    this.fetchCount++;
    this.inflight = (async () => {
      try {
        const parsed = parseJwks(await this.fetcher(this.url));
        if (!parsed.ok) throw Object.assign(new Error(parsed.message), { code: "jwks_invalid" });
        this.install(parsed.keys);
        this.fetchedAt = this.now();
        this.lastError = null;
        this.lastAttemptFailed = false;
        this.onFetch?.({ url: this.url, ok: true, durationMs: this.now() - started, keys: parsed.keys.length });
        return true;
      } catch (e) {
        const code = isFetchError(e)
          ? e.code
          : typeof (e as { code?: unknown })?.code === "string"
            ? String((e as { code: string }).code)
            : "jwks_fetch_failed";
        const message = errorMessage(e);
        this.lastError = { code, message, at: this.now() };
        this.lastAttemptFailed = true;
        this.onFetch?.({ url: this.url, ok: false, error: message, durationMs: this.now() - started });
        return false; // keep the previous keys: stale serving decides how long they stay usable
      } finally {
        this.inflight = null;
      }
    })();
    return this.inflight;
  }

  status(): KeySourceStatus {
    const t = this.now();
    return {
      url: this.url,
      fetchedAt: this.fetchedAt,
      ageMs: this.fetchedAt === null ? null : t - this.fetchedAt,
      kids: this.entries.map((e) => e.jwk.kid ?? "(no kid)"),
      keyCount: this.entries.length,
      lastError: this.lastError,
      state: this.state(t),
      fetchCount: this.fetchCount,
    };
  }

  private state(t: number): KeySourceStatus["state"] {
    if (this.fetchedAt === null) return "cold";
    const age = t - this.fetchedAt;
    if (age >= this.staleLimitMs) return "expired";
    return age >= this.maxAgeMs ? "stale" : "fresh";
  }

  /** Whether a new fetch may start: `retryMs` after a failed attempt, `cooldownMs` after a successful one. */
  private mayAttempt(): boolean {
    if (this.lastAttemptAt === null) return true;
    return this.now() - this.lastAttemptAt >= (this.lastAttemptFailed ? this.retryMs : this.cooldownMs);
  }

  /** Replaces the key set, reusing imported CryptoKeys of keys that did not change. */
  private install(keys: PublicJwk[]) {
    const previous = new Map(this.entries.map((e) => [JSON.stringify(e.jwk), e]));
    this.entries = keys.map((jwk) => previous.get(JSON.stringify(jwk)) ?? { jwk, imported: new Map() });
  }

  private match(kid: string | undefined, alg: string): Entry[] {
    return this.entries.filter((e) => (kid === undefined || e.jwk.kid === kid) && jwkFitsAlg(e.jwk, alg));
  }

  /** Imports once per (key, alg); a key that cannot be imported (e.g. RSA < 2048 bits) is unusable, not fatal. */
  private imported(e: Entry, alg: string): Promise<CryptoKey | null> {
    let p = e.imported.get(alg);
    if (!p) {
      p = importJWK(e.jwk, alg).then(
        (k) => (k instanceof Uint8Array ? null : k),
        () => null,
      );
      e.imported.set(alg, p);
    }
    return p;
  }
}

const describeJwk = (e: Entry) => [e.jwk.kty, e.jwk.crv, e.jwk.alg].filter(Boolean).join("/");

/**
 * One cache per JWKS URL, shared by every server whose provider uses it.
 * Create one registry per process; options apply to caches it creates.
 */
export class JwksRegistry {
  private readonly caches = new Map<string, JwksCache>();
  constructor(private readonly defaults: Omit<JwksCacheOptions, "url"> = {}) {}

  get(url: string): JwksCache {
    let c = this.caches.get(url);
    if (!c) {
      c = new JwksCache({ ...this.defaults, url });
      this.caches.set(url, c);
    }
    return c;
  }

  /** Drops caches whose URL is no longer configured. */
  retain(urls: Iterable<string>) {
    const keep = new Set(urls);
    for (const url of this.caches.keys()) if (!keep.has(url)) this.caches.delete(url);
  }

  status(): KeySourceStatus[] {
    return [...this.caches.values()].map((c) => c.status());
  }
}
