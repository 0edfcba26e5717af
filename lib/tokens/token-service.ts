/**
 * The gateway's token service: one JWKS registry and one verdict cache per
 * process, shared by the proxy (hot path), the console inspector and the CLI
 * through `runtime.tokens`. All of them compute expected audiences
 * with audiences.ts and verify with lib/tokens' pipeline, so what the
 * inspector shows is exactly what the proxy decides.
 */
import type { RuntimeProvider, RuntimeServer } from "../config/model";
import type { Logger } from "../log";
import {
  createVerifier,
  type CachedDiagnosis,
  JwksRegistry,
  verifyAccessToken,
  type Diagnosis,
  type ExpectedAudience,
  type KeySourceStatus,
  type Verifier,
  type VerifyTarget,
} from "./index";
import { audienceOwner, expectedAudiencesOf } from "./server-audiences";
import { ServerLookupError } from "../proxy/errors";
import type { JwksUrlResolution } from "./key-sources";
import type { JwksFetcher } from "./jwks-cache";
import { ProviderKeySources } from "./key-sources";
import type { CompiledRoute } from "../proxy/route-table";

export type VerifyForServerOptions = {
  /** Public base of the request being diagnosed (adds its resource URL as an accepted audience). */
  requestBase?: URL;
  /** Use the verdict cache (the proxy does). Default false: the inspector wants fresh checks. */
  cached?: boolean;
};

export type TokenService = {
  verifyForServer(
    serverName: string,
    token: string,
    opts?: VerifyForServerOptions,
  ): Promise<Diagnosis & { cached: boolean }>;
  /** Accepted audiences of a server, each with its source. */
  expectedAudiences(serverName: string, requestBase?: URL): ExpectedAudience[];
  /** Every JWKS cache (URL, age, kids, state, fetch count, last error). */
  jwksStatus(): KeySourceStatus[];
  /** The key source status of one provider (resolves nothing; may be "(discovery) …" when cold). */
  providerKeyStatus(providerName: string): KeySourceStatus | undefined;
  verifierStats(): { size: number; hits: number; misses: number };
  /** @internal hot path: the memoised target of a compiled route for one public base. */
  targetFor(route: CompiledRoute, base: URL): VerifyTarget | undefined;
  /** @internal hot path: cached verification. */
  verify(token: string, target: VerifyTarget): Promise<Diagnosis>;
  /** @internal hot path: the cached verdict if there is one (no promise), else undefined. */
  cachedVerdict(token: string, target: VerifyTarget): CachedDiagnosis | undefined;
};

export type TokenServiceDeps = {
  servers: () => { servers: ReadonlyMap<string, RuntimeServer>; providers: ReadonlyMap<string, RuntimeProvider> };
  publicUrl?: string;
  logger?: Logger;
  registry?: JwksRegistry;
  resolveJwksUrl?: (p: RuntimeProvider) => Promise<JwksUrlResolution>;
  verifier?: Verifier;
  now?: () => number;
  /** Told of every JWKS fetch, once per provider whose keys it fetched (metrics). */
  onJwksFetch?: (provider: string, ok: boolean) => void;
  /** Fetches JWKS documents (default: lib/net, admin-configured URL); tracing wraps it. */
  jwksFetcher?: JwksFetcher;
};

/** Targets cached per route; a hostile stream of Host headers only churns this bound. */
const MAX_TARGETS_PER_ROUTE = 64;

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const logger = deps.logger;
  const registry =
    deps.registry ??
    new JwksRegistry({
      fetcher: deps.jwksFetcher,
      onFetch: (e) => {
        if (e.ok) logger?.info({ jwks: e.url, keys: e.keys, durationMs: e.durationMs }, "fetched JWKS");
        else logger?.warn({ jwks: e.url, err: e.error, durationMs: e.durationMs }, "JWKS fetch failed");
        if (deps.onJwksFetch)
          for (const p of keySources.providersUsing(e.url, deps.servers().providers.values()))
            deps.onJwksFetch(p, e.ok);
      },
    });
  const keySources = new ProviderKeySources(registry, deps.resolveJwksUrl, deps.now);
  const verifier = deps.verifier ?? createVerifier();

  function buildTarget(server: RuntimeServer, provider: RuntimeProvider, base: URL | undefined): VerifyTarget {
    return {
      server: {
        name: server.name,
        requiredScopes: server.oauth?.requiredScopes ?? [],
        includeClientIdInAudience: server.oauth?.includeClientIdInAudience ?? false,
        audiences: server.oauth?.audiences ?? [],
      },
      provider: {
        name: provider.name,
        issuer: provider.issuer,
        clientId: provider.clientId,
        algorithms: provider.algorithms ?? [],
        clockSkewSeconds: provider.clockSkewSeconds,
        kind: provider.kind,
        ...(provider.requireAtJwt ? { requireAtJwt: true } : {}),
      },
      expectedAudiences: expectedAudiencesOf(server, provider, deps.publicUrl, base),
      audienceOwner: (value) => audienceOwner(deps.servers().servers, server.name, value, deps.publicUrl, base),
      keys: keySources.for(provider),
      ...(deps.now ? { now: deps.now } : {}),
    };
  }

  function lookup(serverName: string): { server: RuntimeServer; provider: RuntimeProvider } {
    const { servers, providers } = deps.servers();
    const server = servers.get(serverName);
    if (!server) throw new ServerLookupError("server_not_found", `no server named ${serverName}`);
    if (server.auth !== "oauth" || !server.oauth)
      throw new ServerLookupError(
        "server_not_oauth",
        `server ${serverName} uses auth: ${server.auth}; tokens are not verified`,
      );
    const provider = providers.get(server.oauth.provider);
    if (!provider)
      throw new ServerLookupError(
        "provider_not_found",
        `server ${serverName} names provider ${server.oauth.provider}, which is not configured`,
      );
    return { server, provider };
  }

  return {
    async verifyForServer(serverName, token, opts = {}) {
      const { server, provider } = lookup(serverName);
      const target = buildTarget(server, provider, opts.requestBase);
      if (opts.cached) return verifier.verify(token, target);
      return { ...(await verifyAccessToken(token, target)), cached: false };
    },
    expectedAudiences(serverName, requestBase) {
      const { server, provider } = lookup(serverName);
      return expectedAudiencesOf(server, provider, deps.publicUrl, requestBase);
    },
    jwksStatus: () => registry.status(),
    providerKeyStatus(name) {
      const p = deps.servers().providers.get(name);
      return p ? keySources.for(p).status() : undefined;
    },
    verifierStats: () => verifier.stats(),
    targetFor(route, base) {
      if (!route.provider) return undefined;
      let t = route.targets.get(base);
      if (!t) {
        if (route.targets.size >= MAX_TARGETS_PER_ROUTE) route.targets.clear();
        t = buildTarget(route.server, route.provider, base);
        route.targets.set(base, t);
      }
      return t;
    },
    verify: (token, target) => verifier.verify(token, target),
    cachedVerdict: (token, target) => verifier.cachedVerdict(token, target),
  };
}
