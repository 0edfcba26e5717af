import type { GatewayHandler } from "../http/types";
import type { Runtime } from "../runtime/types";

/** Authorization-server facade routes (filled in by the facade work). */
export function createOAuthFacadeHandler(_runtime: Runtime): GatewayHandler {
  return () => false;
}
