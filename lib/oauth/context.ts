/**
 * Per-request facade context: which provider, which servers use it in proxy
 * mode, the public base URL and the facade issuer built from it, and the
 * shared dependencies every step takes (store, config, secrets, clock…).
 */
import type { IncomingMessage } from "node:http";
import type { RateLimiter } from "../admin/rate-limit";
import type { ConfigSnapshot, RuntimeProvider, RuntimeServer } from "../config/model";
import type { Logger } from "../log";
import type { SecretBox } from "../secrets/secret-box";
import type { ProviderDeps } from "../providers";
import { factsFromNodeRequest, joinBase, resolvePublicBase, urlString } from "../urls/public-base";
import { facadeIssuer, resourceUrl } from "../urls/resource-urls";
import type { TrustedProxies } from "../urls/trusted-proxies";
import type { OAuthStore } from "./store";

export type FacadeLimits = {
  /** Lifetime of a pending authorization (consent page or IdP round trip). */
  pendingTtlMs: number;
  /** Flows in flight per provider before /authorize answers temporarily_unavailable. */
  maxPendingPerProvider: number;
  /** Registered clients per provider before /register refuses. */
  maxClientsPerProvider: number;
};

export const DEFAULT_LIMITS: FacadeLimits = {
  pendingTtlMs: 10 * 60_000,
  maxPendingPerProvider: 10_000,
  maxClientsPerProvider: 50_000,
};

export type FacadeDeps = {
  store: OAuthStore;
  config: () => ConfigSnapshot;
  secrets: SecretBox;
  providerDeps: ProviderDeps;
  publicUrl?: string;
  trustedProxies: TrustedProxies;
  logger: Pick<Logger, "info" | "warn" | "error" | "debug">;
  limits: FacadeLimits;
  /** Dynamic client registrations per client address (shared by the replicas). */
  registrations: RateLimiter;
  now: () => number;
};

export type FacadeContext = {
  provider: RuntimeProvider;
  /** Servers in proxy mode for this provider. */
  servers: RuntimeServer[];
  base: URL;
  /** `<base>/oauth/<provider>`, no trailing slash. */
  issuer: string;
  /** Facade endpoint URL: `<issuer>/<name>`. */
  endpoint: (name: "authorize" | "token" | "register" | "callback") => string;
};

/** Proxy-mode servers of a provider: the facade exists only when there is one. */
export function proxyServersFor(snapshot: Pick<ConfigSnapshot, "servers">, providerName: string): RuntimeServer[] {
  return [...snapshot.servers.values()].filter(
    (s) => s.auth === "oauth" && s.oauth?.provider === providerName && s.oauth.mode === "proxy",
  );
}

export function buildContext(req: IncomingMessage, deps: FacadeDeps, providerName: string): FacadeContext | undefined {
  const snap = deps.config();
  const provider = snap.providers.get(providerName);
  if (!provider) return undefined;
  const servers = proxyServersFor(snap, providerName);
  if (servers.length === 0) return undefined;
  const { base } = resolvePublicBase(factsFromNodeRequest(req), {
    publicUrl: deps.publicUrl,
    trustedProxies: deps.trustedProxies,
    serverPublicUrls: servers.flatMap((s) => s.publicUrls),
  });
  const issuer = facadeIssuer(base, providerName);
  return {
    provider,
    servers,
    base,
    issuer,
    endpoint: (name) => urlString(joinBase(base, `/oauth/${providerName}/${name}`)),
  };
}

const noSlash = (s: string) => s.replace(/\/+$/, "");

/** Every resource URL (RFC 8707 / RFC 9728 `resource`) of the facade's servers. */
export function serverResources(ctx: FacadeContext, publicUrl?: string): { server: RuntimeServer; resource: string }[] {
  const out: { server: RuntimeServer; resource: string }[] = [];
  for (const s of ctx.servers) {
    const bases = [ctx.base.href, ...s.publicUrls, ...(publicUrl ? [publicUrl] : [])];
    for (const b of new Set(bases)) {
      const r = noSlash(resourceUrl(new URL(b), s.effectivePath));
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
