/**
 * The resource-server routes, first in the gateway pipeline: MCP paths of
 * virtual servers (host-routed ones first, by the request's host) and their
 * protected-resource metadata. Everything else falls through (returns false)
 * to the OAuth facade and Next.
 */
import type { GatewayHandler } from "../http/types";
import type { Runtime } from "../runtime/types";
import { factsFromNodeRequest } from "../urls/public-base";
import { PRM_WELL_KNOWN } from "../urls/resource-urls";
import { hostedRoute } from "./host-routing";
import { handleMcp } from "./mcp-handler";
import { handleMetadata } from "./metadata-handler";
import { createForwarder } from "./upstream";
import { traceForwarder } from "../tracing/spans";

export function createResourceServerHandler(runtime: Runtime): GatewayHandler {
  const routes = runtime.routes;
  const forwarder = traceForwarder(
    createForwarder({
      logger: runtime.logger,
      blockPrivateNetwork: runtime.env.PORTCULLIS_BLOCK_PRIVATE_NETWORK,
    }),
  );
  const deps = {
    tokens: runtime.tokens,
    forwarder,
    trustedProxies: runtime.trustedProxies,
    requestLog: runtime.requestLog,
    gate: runtime.operations,
    metrics: runtime.metrics,
  };

  return (req, res, ctx) => {
    const table = routes.current();
    // Route paths are canonical, so a raw path equal to one needs no normalising (the common case, and the hot
    // path); anything else is looked up again by its normalised form, so `/servers/./x/mcp` still finds x.
    const hosted = table.byHostedPath.size
      ? hostedRoute(
          table.byHostedPath.get(ctx.rawPath) ?? table.byHostedPath.get(ctx.url.pathname),
          factsFromNodeRequest(req),
          deps.trustedProxies,
        )
      : undefined;
    const route = hosted ?? table.byPath.get(ctx.rawPath) ?? table.byPath.get(ctx.url.pathname);
    if (route) {
      const pending = handleMcp(deps, table, route, req, res, ctx);
      return pending ? pending.then(() => true) : true;
    }
    if (ctx.url.pathname.startsWith(PRM_WELL_KNOWN)) return handleMetadata(deps, table, req, res, ctx);
    return false;
  };
}
