import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "./request-context";

export type { RequestContext } from "./request-context";

/**
 * A gateway route. Returns true when it handled the request (and owns the
 * response), false to let the next handler try.
 */
export type GatewayHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
) => boolean | Promise<boolean>;
