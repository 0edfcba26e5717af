/**
 * What one client can hold on the listening server (docs/security.md, "Slow clients and
 * connection limits"): a whole request, headers and body, must arrive within
 * PORTCULLIS_REQUEST_TIMEOUT_MS, else 408 and the connection is closed; a response is never
 * limited once the request is in, so SSE streams and long tool calls run as long as they
 * need. At most PORTCULLIS_MAX_CONNECTIONS connections are open; Node closes further ones
 * at once, and the drops are logged (at most one line per interval, with a count).
 */
import type { Server, ServerOptions } from "node:http";
import type { Env } from "../config/env";
import type { Logger } from "../log";

type Limits = Pick<Env, "PORTCULLIS_REQUEST_TIMEOUT_MS" | "PORTCULLIS_MAX_CONNECTIONS">;

/** Keep-alive longer than typical load balancers' idle timeout (an idle connection is not a request). */
const KEEP_ALIVE_MS = 65_000;
const DROP_LOG_INTERVAL_MS = 10_000;

export function serverOptions(env: Limits): ServerOptions {
  const timeout = env.PORTCULLIS_REQUEST_TIMEOUT_MS;
  return {
    keepAliveTimeout: KEEP_ALIVE_MS,
    requestTimeout: timeout,
    headersTimeout: timeout === 0 ? 60_000 : timeout,
    // Node checks the deadlines on this interval (default 30 s): a tenth of the timeout keeps the cut close to it.
    connectionsCheckingInterval: Math.min(5_000, Math.max(100, Math.round((timeout || 30_000) / 10))),
  };
}

export function limitConnections(server: Server, env: Limits, logger: Logger): void {
  const max = env.PORTCULLIS_MAX_CONNECTIONS;
  if (max === 0) return;
  server.maxConnections = max;
  let dropped = 0;
  let lastLog = 0;
  server.on("drop", () => {
    dropped++;
    const now = Date.now();
    if (now - lastLog < DROP_LOG_INTERVAL_MS) return;
    logger.warn(
      { dropped, maxConnections: max },
      "connection refused: PORTCULLIS_MAX_CONNECTIONS connections are open",
    );
    lastLog = now;
    dropped = 0;
  });
}
