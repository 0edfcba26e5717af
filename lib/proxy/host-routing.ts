/**
 * Host-routed servers (routing: host): the request's host picks the server
 * among those sharing a path — the one whose publicUrls host it names (the
 * Host header, or the forwarded host from a trusted proxy, as
 * lib/urls/public-base.ts reads it). The root metadata document
 * `/.well-known/oauth-protected-resource` belongs to the one server that owns
 * the host, when exactly one does.
 */
import type { RequestFacts } from "../urls/public-base";
import { resolvePublicBase } from "../urls/public-base";
import type { TrustedProxies } from "../urls/trusted-proxies";
import type { CompiledRoute, RouteTable } from "./route-table";

const ownsHost = (route: CompiledRoute, facts: RequestFacts, trustedProxies: TrustedProxies) =>
  resolvePublicBase(facts, { trustedProxies, serverPublicUrls: route.publicUrls, requestFallback: true }).source ===
  "server_public_url";

/** The candidate whose host the request names, if any. */
export function hostedRoute(
  candidates: readonly CompiledRoute[] | undefined,
  facts: RequestFacts,
  trustedProxies: TrustedProxies,
): CompiledRoute | undefined {
  return candidates?.find((r) => ownsHost(r, facts, trustedProxies));
}

/** The only host-routed server with a metadata document on the request's host, if exactly one. */
export function hostOwner(
  table: RouteTable,
  facts: RequestFacts,
  trustedProxies: TrustedProxies,
): CompiledRoute | undefined {
  const owners = new Set<CompiledRoute>();
  for (const list of table.byHostedMetadataPath.values())
    for (const r of list) if (ownsHost(r, facts, trustedProxies)) owners.add(r);
  return owners.size === 1 ? [...owners][0] : undefined;
}
