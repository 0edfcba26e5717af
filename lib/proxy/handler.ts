import type { GatewayHandler } from "../http/types";
import type { Runtime } from "../runtime/types";

/** MCP proxy + protected-resource metadata routes (filled in by the resource-server work). */
export function createResourceServerHandler(_runtime: Runtime): GatewayHandler {
  return () => false;
}
