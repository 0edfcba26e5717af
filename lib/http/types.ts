import type { IncomingMessage, ServerResponse } from "node:http";

/** Per-request facts shared by the gateway's handlers and the access log. */
export type RequestContext = {
  /** Request number in this process; `formatRequestId(seq)` is the id shown in logs and the console. */
  seq: number;
  /** performance.now() when the request arrived. */
  startedAt: number;
  url: URL;
  /** Set by a handler that served a virtual server: logged as `server`. */
  serverName?: string;
  /** Short machine-readable outcome for the access log (e.g. "accepted", "rejected:aud_mismatch"). */
  outcome?: string;
};

/**
 * A gateway route. Returns true when it handled the request (and owns the
 * response), false to let the next handler try.
 */
export type GatewayHandler = (req: IncomingMessage, res: ServerResponse, ctx: RequestContext) => boolean | Promise<boolean>;
