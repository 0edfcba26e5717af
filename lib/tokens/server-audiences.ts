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
