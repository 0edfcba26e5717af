/**
 * The resource-server routes, first in the gateway pipeline: MCP paths of
 * virtual servers and their protected-resource metadata. Everything else
 * falls through (returns false) to the OAuth facade and Next.
 */
import type { GatewayHandler } from "../http/types";
import type { Runtime } from "../runtime/types";
import { PRM_WELL_KNOWN } from "../urls/resource-urls";
import { handleMcp } from "./mcp-handler";
import { handleMetadata } from "./metadata-handler";
import { getRoutes } from "./routes-service";
import { getTokenService } from "./token-service";
import { createForwarder } from "./upstream";

export function createResourceServerHandler(runtime: Runtime): GatewayHandler {
  const routes = getRoutes(runtime);
  const forwarder = createForwarder({ logger: runtime.logger });
  const deps = { tokens: getTokenService(runtime), forwarder, trustedProxies: runtime.trustedProxies, requestLog: runtime.requestLog };

  return (req, res, ctx) => {
    const table = routes.current();
    const path = ctx.url.pathname;
    const route = table.byPath.get(path);
    if (route) return handleMcp(deps, table, route, req, res, ctx).then(() => true);
    if (path.startsWith(PRM_WELL_KNOWN)) return handleMetadata(deps, table, req, res, ctx);
    return false;
  };
}
