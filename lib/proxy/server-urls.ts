/**
 * Every URL the gateway publishes for one server, per public base — pure, so
 * the console's live preview shows exactly what the proxy will emit while the
 * admin edits a form. The proxy builds its documents and challenges with the
 * same functions (documentFor, challengeFor).
 */
import { effectivePath } from "../config/model";
import type { ResourceMetadataConfig } from "../config/schema";
import { facadeIssuer, metadataUrl, resourceUrl } from "../urls/resource-urls";
import { urlString } from "../urls/public-base";
import { buildWwwAuthenticate } from "./challenge";
import { buildProtectedResourceMetadata, type ProtectedResourceMetadata } from "./metadata";

export type ServerLike = {
  name: string;
  path?: string;
  publicUrls?: readonly string[];
  auth?: "oauth" | "passthrough" | "none";
  oauth?: { provider: string; mode?: "proxy" | "direct"; requiredScopes?: readonly string[] };
  resourceMetadata?: Partial<ResourceMetadataConfig>;
};
export type ProviderLike = { name: string; issuer: string; facadeUrl?: string };

export type ServerUrlSet = {
  source: "server_public_url" | "public_url" | "request";
  base: string;
  /** The MCP endpoint clients connect to (= the RFC 9728 resource). */
  mcpUrl: string;
  metadataUrl: string;
  /** Undefined for passthrough/none (the gateway publishes no challenge of its own). */
  authorizationServers?: string[];
  /** The challenge of a request without a token. */
  wwwAuthenticate?: string;
};

export function authorizationServersFor(server: ServerLike, provider: ProviderLike | undefined, base: URL): string[] {
  if (server.auth === "none" || server.auth === "passthrough" || !server.oauth) return [];
  if ((server.oauth.mode ?? "proxy") === "direct") return provider ? [provider.issuer] : [];
  // A facade at a host's root is the one to name: clients that drop an issuer's path need it.
  if (provider?.facadeUrl) return [urlString(new URL(provider.facadeUrl))];
  return [facadeIssuer(base, server.oauth.provider)];
}

export function documentFor(
  server: ServerLike,
  provider: ProviderLike | undefined,
  base: URL,
): ProtectedResourceMetadata {
  return buildProtectedResourceMetadata({
    resource: resourceUrl(base, effectivePath(server)),
    authorizationServers: authorizationServersFor(server, provider, base),
    metadata: server.resourceMetadata,
    requiredScopes: server.oauth?.requiredScopes,
  });
}

export function listServerUrls(
  server: ServerLike,
  opts: { publicUrl?: string; requestBase?: URL | string; provider?: ProviderLike } = {},
): ServerUrlSet[] {
  const path = effectivePath(server);
  const bases: { base: URL; source: ServerUrlSet["source"] }[] = [];
  for (const u of server.publicUrls ?? []) bases.push({ base: new URL(u), source: "server_public_url" });
  if (opts.publicUrl) bases.push({ base: new URL(opts.publicUrl), source: "public_url" });
  // The request's URL is never used for a server with publicUrls (lib/urls/public-base.ts): don't preview it.
  else if (opts.requestBase && !server.publicUrls?.length)
    bases.push({ base: new URL(opts.requestBase), source: "request" });
  const seen = new Set<string>();
  const out: ServerUrlSet[] = [];
  for (const { base, source } of bases) {
    const mcpUrl = resourceUrl(base, path);
    if (seen.has(mcpUrl)) continue;
    seen.add(mcpUrl);
    const meta = metadataUrl(base, path);
    const set: ServerUrlSet = { source, base: urlString(base), mcpUrl, metadataUrl: meta };
    if (server.auth === undefined || server.auth === "oauth") {
      set.authorizationServers = authorizationServersFor({ ...server, auth: "oauth" }, opts.provider, base);
      set.wwwAuthenticate = buildWwwAuthenticate({ resourceMetadata: meta, scope: server.oauth?.requiredScopes });
    }
    out.push(set);
  }
  return out;
}
