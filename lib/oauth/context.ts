/**
 * Per-request facade context: which provider, which servers use it in proxy
 * mode, the public base URL and the facade issuer built from it, and the
 * shared dependencies every step takes (store, config, secrets, clock…).
 * The issuer (and so the callback registered at the IdP) is a configured URL
 * whenever the provider's servers have publicUrls or PUBLIC_URL is set; the
 * request's own URL is used only in zero-config setups (docs/security.md).
 */
import type { IncomingMessage } from "node:http";
import type { RateLimiter } from "../admin/rate-limit";
import type { ConfigSnapshot, RuntimeProvider, RuntimeServer } from "../config/model";
import type { Logger } from "../log";
import type { SecretBox } from "../secrets/secret-box";
import type { ProviderDeps } from "../providers";
import { factsFromNodeRequest, joinBase, resolvePublicBase, urlString } from "../urls/public-base";
import { facadeIssuer } from "../urls/resource-urls";
import type { TrustedProxies } from "../urls/trusted-proxies";
import { resourceUrlsOf } from "../tokens/server-audiences";
import type { OAuthStore } from "./store";
import type { CimdResolver } from "./cimd/resolver";
import type { ClientLifecycleStore } from "./client-lifecycle";
import type { FacadeReason } from "./errors";

export type FacadeLimits = {
  /** Lifetime of an IdP round trip (the user signing in at the IdP). */
  pendingTtlMs: number;
  /** Lifetime of a consent page's ticket. */
  consentTtlMs: number;
  /** IdP round trips in flight per provider before /authorize answers temporarily_unavailable. */
  maxIdpFlowsPerProvider: number;
  /** Consent pages open per provider, counted apart from IdP round trips. */
  maxConsentTicketsPerProvider: number;
  /** Consent pages and IdP round trips in flight for one client. */
  maxFlowsPerClient: number;
  /** Registered clients per provider before /register refuses. */
  maxClientsPerProvider: number;
  /** How long a relayed refresh token stays redeemable without use (renewed by each refresh). */
  refreshTokenIdleMs: number;
  /** How long a refresh token the IdP rotated stays redeemable (a client retrying a lost answer). */
  refreshTokenGraceMs: number;
};

export const DEFAULT_LIMITS: FacadeLimits = {
  pendingTtlMs: 10 * 60_000,
  consentTtlMs: 5 * 60_000,
  maxIdpFlowsPerProvider: 10_000,
  maxConsentTicketsPerProvider: 10_000,
  maxFlowsPerClient: 200,
  maxClientsPerProvider: 50_000,
  refreshTokenIdleMs: 90 * 86_400_000,
  refreshTokenGraceMs: 5 * 60_000,
};

export type FacadeDeps = {
  store: OAuthStore;
  /** Client ID metadata documents: fetched, cached and validated (cimd/). */
  cimd: CimdResolver;
  /** Last use, expiry and de-duplication of the facade's clients. */
  lifecycle: ClientLifecycleStore;
  config: () => ConfigSnapshot;
  secrets: SecretBox;
  providerDeps: ProviderDeps;
  publicUrl?: string;
  trustedProxies: TrustedProxies;
  logger: Pick<Logger, "info" | "warn" | "error" | "debug">;
  limits: FacadeLimits;
  /** Dynamic client registrations per client address (shared by the replicas). */
  registrations: RateLimiter;
  /** Authorization requests per client address and per client id (shared by the replicas). */
  authorizeByAddress: RateLimiter;
  authorizeByClient: RateLimiter;
  now: () => number;
};

export type FacadeContext = {
  provider: RuntimeProvider;
  /** Servers in proxy mode for this provider. */
  servers: RuntimeServer[];
  base: URL;
  /** The request's own public base (PUBLIC_URL, trusted forwarding or Host): the resource base of servers without publicUrls. */
  requestBase: URL;
  /** `<base>/oauth/<provider>`, or the provider's facadeUrl at its host's root; no trailing slash. */
  issuer: string;
  /** Facade endpoint URL: `<issuer>/<name>`. */
  endpoint: (name: "authorize" | "token" | "register" | "callback") => string;
  /** Set by a step that refused the request (shown in the access log's outcome). */
  refusal?: FacadeReason;
};

/** Proxy-mode servers of a provider: the facade exists only when there is one. */
export function proxyServersFor(snapshot: Pick<ConfigSnapshot, "servers">, providerName: string): RuntimeServer[] {
  return [...snapshot.servers.values()].filter(
    (s) => s.auth === "oauth" && s.oauth?.provider === providerName && s.oauth.mode === "proxy",
  );
}

/**
 * `atRoot`: the request reached the provider's facade at the root of its `facadeUrl` host; the
 * issuer is then that URL and the endpoints sit at the host's root.
 */
export function buildContext(
  req: IncomingMessage,
  deps: FacadeDeps,
  providerName: string,
  atRoot = false,
): FacadeContext | undefined {
  const snap = deps.config();
  const provider = snap.providers.get(providerName);
  if (!provider) return undefined;
  const servers = proxyServersFor(snap, providerName);
  if (servers.length === 0) return undefined;
  const facts = factsFromNodeRequest(req);
  const opts = { publicUrl: deps.publicUrl, trustedProxies: deps.trustedProxies };
  const { base } = resolvePublicBase(facts, {
    ...opts,
    serverPublicUrls: servers.flatMap((s) => s.publicUrls),
    // A server without publicUrls lives at the request's URL: its facade may too.
    requestFallback: servers.some((s) => s.publicUrls.length === 0),
  });
  const requestBase = resolvePublicBase(facts, opts).base;
  if (atRoot && provider.facadeUrl) {
    const root = new URL(provider.facadeUrl);
    return {
      provider,
      servers,
      base: root,
      requestBase,
      issuer: urlString(root),
      endpoint: (name) => urlString(joinBase(root, `/${name}`)),
    };
  }
  const issuer = facadeIssuer(base, providerName);
  return {
    provider,
    servers,
    base,
    requestBase,
    issuer,
    endpoint: (name) => urlString(joinBase(base, `/oauth/${providerName}/${name}`)),
  };
}

const noSlash = (s: string) => s.replace(/\/+$/, "");

/**
 * Every resource URL (RFC 8707 / RFC 9728 `resource`) of the facade's servers: exactly the
 * resource URLs the proxy accepts as audiences for them (lib/tokens/server-audiences.ts).
 */
export function serverResources(ctx: FacadeContext, publicUrl?: string): { server: RuntimeServer; resource: string }[] {
  const out: { server: RuntimeServer; resource: string }[] = [];
  for (const s of ctx.servers) {
    for (const { url } of resourceUrlsOf(s, publicUrl, ctx.requestBase)) {
      const r = noSlash(url);
      if (!out.some((o) => o.resource === r)) out.push({ server: s, resource: r });
    }
  }
  return out;
}

/** The server a `resource` parameter names, or undefined. */
export function serverForResource(ctx: FacadeContext, resource: string, publicUrl?: string): RuntimeServer | undefined {
  const want = noSlash(resource);
  return serverResources(ctx, publicUrl).find((r) => r.resource === want)?.server;
}

/** Admin allowlist of redirect URIs: the union of the proxy servers' `allowedRedirectUris` (empty = no restriction). */
export function redirectAllowlist(ctx: FacadeContext): string[] {
  return [...new Set(ctx.servers.flatMap((s) => s.oauth?.allowedRedirectUris ?? []))];
}
