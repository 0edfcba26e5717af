/**
 * One KeySource per provider, backed by the shared JWKS caches of lib/tokens.
 * With `jwksUrl` configured it IS the JwksCache (no wrapper on the hot path).
 * Otherwise the URL comes from lib/providers (discovery, then the kind's convention): resolved once,
 * single-flight, retried after a cooldown on failure; until it resolves the
 * source fails closed with `jwks_unavailable`.
 */
import type { RuntimeProvider } from "../config/model";
import type { JwksRegistry, KeyLookup, KeySource, KeySourceStatus } from "./index";
import { resolveJwksUrlWithSource } from "../providers";
import { errorMessage } from "../errors";

export type JwksUrlResolution = { url: string; via: "configured" | "discovery" | "convention" };

export const DISCOVERY_RETRY_MS = 30_000;

class DiscoveredKeySource implements KeySource {
  private resolved?: JwksUrlResolution;
  private inflight?: Promise<void>;
  private lastError?: { message: string; at: number };

  constructor(
    private readonly provider: RuntimeProvider,
    private readonly registry: JwksRegistry,
    private readonly resolve: (p: RuntimeProvider) => Promise<JwksUrlResolution>,
    private readonly now: () => number,
  ) {}

  get url(): string | undefined {
    return this.resolved?.url;
  }

  async getKeys(selector: { kid?: string; alg: string }): Promise<KeyLookup> {
    if (!this.resolved) {
      if (!this.inflight && (!this.lastError || this.now() - this.lastError.at >= DISCOVERY_RETRY_MS)) {
        this.inflight = this.resolve(this.provider)
          .then((r) => {
            this.resolved = r;
            this.lastError = undefined;
          })
          .catch((e: unknown) => {
            this.lastError = { message: errorMessage(e), at: this.now() };
          })
          .finally(() => (this.inflight = undefined));
      }
      await this.inflight;
      if (!this.resolved) {
        return {
          ok: false,
          code: "jwks_unavailable",
          message: `cannot find the JWKS URL of provider ${this.provider.name}: ${this.lastError?.message ?? "discovery pending"}. Set jwksUrl on the provider.`,
          refetched: true,
        };
      }
    }
    return this.registry.get(this.resolved.url).getKeys(selector);
  }

  status(): KeySourceStatus {
    if (this.resolved) return this.registry.get(this.resolved.url).status();
    return {
      url: `(discovery) ${this.provider.overrides?.discoveryUrl ?? this.provider.issuer}`,
      fetchedAt: null,
      ageMs: null,
      kids: [],
      keyCount: 0,
      lastError: this.lastError
        ? { code: "jwks_discovery_failed", message: this.lastError.message, at: this.lastError.at }
        : null,
      state: "cold",
      fetchCount: 0,
    };
  }
}

/** Caches key sources by what determines the JWKS URL, so config reloads keep warm keys. */
export class ProviderKeySources {
  private readonly discovered = new Map<string, DiscoveredKeySource>();
  constructor(
    private readonly registry: JwksRegistry,
    private readonly resolve: (p: RuntimeProvider) => Promise<JwksUrlResolution> = (p) => resolveJwksUrlWithSource(p),
    private readonly now: () => number = Date.now,
  ) {}

  for(p: RuntimeProvider): KeySource {
    if (p.jwksUrl) return this.registry.get(p.jwksUrl);
    const key = JSON.stringify([p.issuer, p.kind, p.overrides?.discoveryUrl ?? null]);
    let s = this.discovered.get(key);
    if (!s) {
      s = new DiscoveredKeySource(p, this.registry, this.resolve, this.now);
      this.discovered.set(key, s);
    }
    return s;
  }

  /** Names of the providers whose keys come from `url` (resolved sources only). */
  providersUsing(url: string, providers: Iterable<RuntimeProvider>): string[] {
    const out: string[] = [];
    for (const p of providers) if (this.urlsFor([p])[0] === url) out.push(p.name);
    return out;
  }

  /** JWKS URLs in use by these providers (resolved ones only), for JwksRegistry.retain(). */
  urlsFor(providers: Iterable<RuntimeProvider>): string[] {
    const out: string[] = [];
    for (const p of providers) {
      const s = this.for(p);
      const url = s instanceof DiscoveredKeySource ? s.url : p.jwksUrl;
      if (url) out.push(url);
    }
    return out;
  }
}
