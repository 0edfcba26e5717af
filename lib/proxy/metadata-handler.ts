/**
 * `/.well-known/oauth-protected-resource<server.path>` (and the prefixed
 * forms, route-table.ts; for host-routed servers, the request's host picks
 * the server, and the bare well-known path is the document of the server
 * owning the host). auth: oauth → our RFC 9728 document for the public
 * base of this request; auth: passthrough → the upstream's own document,
 * streamed unchanged. Public, so CORS `*`; cacheable briefly (config edits
 * must show up quickly).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "../http/types";
import { factsFromNodeRequest, PUBLIC_BASE_VARY, resolvePublicBase } from "../urls/public-base";
import type { TrustedProxies } from "../urls/trusted-proxies";
import { METADATA_CORS } from "./cors";
import { ProxyError, sendProxyError } from "./errors";
import { upstreamRequestHeaders } from "./headers";
import { hostedRoute, hostOwner } from "./host-routing";
import { metadataRoute, type RouteTable } from "./route-table";
import { PRM_WELL_KNOWN } from "../urls/resource-urls";
import { documentFor } from "./server-urls";
import type { Forwarder } from "./upstream";

export type MetadataDeps = { forwarder: Forwarder; trustedProxies: TrustedProxies };

export function handleMetadata(
  deps: MetadataDeps,
  table: RouteTable,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): boolean {
  const facts = factsFromNodeRequest(req);
  // The route must be known before the server's publicUrls can be applied: resolve without them for the prefix.
  const generic = resolvePublicBase(facts, { publicUrl: table.publicUrl, trustedProxies: deps.trustedProxies });
  const route =
    metadataRoute(table, ctx.url.pathname, generic.base.pathname) ??
    hostedRoute(table.byHostedMetadataPath.get(ctx.url.pathname), facts, deps.trustedProxies) ??
    (ctx.url.pathname === PRM_WELL_KNOWN && table.byHostedMetadataPath.size
      ? hostOwner(table, facts, deps.trustedProxies)
      : undefined);
  if (!route) return false;
  ctx.serverName = route.name;
  const method = req.method ?? "GET";

  if (method === "OPTIONS") {
    res.writeHead(204, { ...METADATA_CORS, allow: "GET, HEAD, OPTIONS" });
    res.end();
    ctx.outcome = "preflight";
    return true;
  }
  if (method !== "GET" && method !== "HEAD") {
    sendProxyError(res, new ProxyError("method_not_allowed", "Use GET"), {
      allow: "GET, HEAD, OPTIONS",
      ...METADATA_CORS,
    });
    return true;
  }

  const publicBase = resolvePublicBase(facts, {
    publicUrl: table.publicUrl,
    trustedProxies: deps.trustedProxies,
    serverPublicUrls: route.publicUrls,
  });
  if (route.mode === "passthrough") {
    ctx.outcome = "passthrough";
    deps.forwarder.forward(req, res, {
      target: route.upstream.target,
      path: route.upstream.metadataPath + (ctx.url.search.length > 1 ? ctx.url.search : ""),
      headers: upstreamRequestHeaders(req.headers, {
        mode: "passthrough",
        forwarded: { for: facts.peer, proto: publicBase.base.protocol.slice(0, -1), host: publicBase.base.host },
      }),
      cors: { "access-control-allow-origin": "*" },
      relayChallenges: true,
      server: route.name,
    });
    return true;
  }

  const body = JSON.stringify(documentFor(route.server, route.provider, publicBase.base));
  res.writeHead(200, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "public, max-age=60",
    vary: PUBLIC_BASE_VARY,
    ...METADATA_CORS,
  });
  res.end(method === "HEAD" ? undefined : body);
  ctx.outcome = "metadata";
  return true;
}
