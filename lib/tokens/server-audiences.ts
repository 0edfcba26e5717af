/**
 * The one computation of a server's accepted audiences, shared by the proxy,
 * the console inspector and `portcullis inspect`: every resource URL of the
 * server (one per public URL, and PUBLIC_URL's) ∪ the provider's client id when
 * includeClientIdInAudience ∪ `oauth.audiences`. Each value carries where it came from.
 *
 * The current request's resource URL counts only when neither the server's publicUrls
 * nor PUBLIC_URL is set (zero-config, loopback): then its host passed the allowed-hosts
 * check (lib/urls/allowed-hosts.ts). A configured URL is never joined by one the request names.
 */
import type { RuntimeProvider, RuntimeServer } from "../config/model";
import { buildExpectedAudiences, type ExpectedAudience } from "./index";
import { resourceUrl } from "../urls/resource-urls";

export type ResourceUrl = { url: string; source: "public_url" | "request_url" };

export function resourceUrlsOf(
  server: Pick<RuntimeServer, "effectivePath" | "publicUrls">,
  publicUrl: string | URL | undefined,
  requestBase?: URL,
): ResourceUrl[] {
  const out: ResourceUrl[] = [];
  for (const u of server.publicUrls)
    out.push({ url: resourceUrl(new URL(u), server.effectivePath), source: "public_url" });
  if (publicUrl) out.push({ url: resourceUrl(new URL(publicUrl), server.effectivePath), source: "public_url" });
  if (requestBase && out.length === 0)
    out.push({ url: resourceUrl(requestBase, server.effectivePath), source: "request_url" });
  return out;
}

export function expectedAudiencesOf(
  server: Pick<RuntimeServer, "name" | "effectivePath" | "publicUrls" | "oauth">,
  provider: Pick<RuntimeProvider, "name" | "clientId">,
  publicUrl: string | URL | undefined,
  requestBase?: URL,
): ExpectedAudience[] {
  return buildExpectedAudiences({
    serverName: server.name,
    resourceUrls: resourceUrlsOf(server, publicUrl, requestBase),
    providerName: provider.name,
    clientId: provider.clientId,
    includeClientIdInAudience: server.oauth?.includeClientIdInAudience ?? false,
    audiences: server.oauth?.audiences ?? [],
  });
}

/**
 * The other server (not `self`) that `value` identifies: one of its resource URLs, its path on a host this
 * gateway answers on, or one of its configured audiences. Accepting such a value on `self` would let that
 * server's tokens open this one, so it is never offered as a fix.
 */
export function audienceOwner(
  servers: ReadonlyMap<string, RuntimeServer>,
  self: string,
  value: string,
  publicUrl: string | URL | undefined,
  requestBase?: URL,
): string | undefined {
  let url: URL | undefined;
  try {
    url = /^https?:\/\//i.test(value) ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  const hosts = new Set<string>();
  if (url) {
    if (publicUrl) hosts.add(new URL(publicUrl).host);
    if (requestBase) hosts.add(requestBase.host);
    for (const s of servers.values()) for (const u of s.publicUrls) hosts.add(new URL(u).host);
  }
  const path = url?.pathname.replace(/\/+$/, "");
  for (const s of servers.values()) {
    if (s.name === self) continue;
    if (s.oauth?.audiences.includes(value)) return s.name;
    if (!url) continue;
    if (resourceUrlsOf(s, publicUrl, requestBase).some((r) => r.url === value)) return s.name;
    if (path === s.effectivePath && hosts.has(url.host)) return s.name;
  }
  return undefined;
}
