/**
 * Worker processes on a single port: the console runs once, in the primary, on a private unix socket.
 * A worker answers console and admin API requests by forwarding them there, after its own admin gate
 * (guard.ts) authenticated them and set the actor header; the primary's socket serves the console
 * only, behind a directory only this user can enter. Streams (the live log) pass through unbuffered.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import httpProxy from "http-proxy";
import type { Logger } from "../log";
import { AppError } from "../errors";
import { failResponse, sendError } from "./respond";
import type { NextHandler } from "./gateway-server";

export function createConsoleForwarder(socketPath: string, logger: Logger): NextHandler {
  const proxy = httpProxy.createProxyServer({
    target: { socketPath } as unknown as httpProxy.ProxyTargetUrl,
    agent: new http.Agent({ keepAlive: true, maxSockets: 256 }),
    xfwd: false,
    changeOrigin: false,
    ws: false,
  });
  // A client that leaves (a closed live-log tab) ends the forwarded request too: http-proxy only listens
  // for `aborted`, which Node does not emit once a GET's empty body was read.
  proxy.on("proxyReq", (proxyReq: http.ClientRequest, _req: IncomingMessage, res: ServerResponse) => {
    res.once("close", () => {
      if (!res.writableFinished) proxyReq.destroy();
    });
  });
  proxy.on("error", (err: Error, _req: IncomingMessage, res: ServerResponse | import("node:net").Socket) => {
    logger.warn({ err: err.message }, "console request failed: the primary process did not answer");
    if (!("writeHead" in res) || res.headersSent) return void res.destroy();
    sendError(
      res,
      new AppError("not_ready", "the console is not available right now (its process is restarting or stopping)"),
    );
  });
  return (req, res) => proxy.web(req, res);
}

/** The primary's side: the console's request handler, for the private socket. */
export function privateConsoleHandler(handler: NextHandler, logger: Logger) {
  return (req: IncomingMessage, res: ServerResponse) => {
    Promise.resolve(handler(req, res)).catch((e: unknown) => {
      logger.error({ err: e }, "unhandled error in the console");
      failResponse(res, e);
    });
  };
}
