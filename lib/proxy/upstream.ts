/**
 * Streams one exchange to an upstream MCP server with http-proxy and a
 * keep-alive agent (http-proxy defaults to a new connection per request,
 * about 10× slower). Never buffers: request and response bodies are piped.
 *
 * http-proxy sends the upstream request; the response is written here
 * (`selfHandleResponse`): one `writeHead` with the cleaned headers, then a
 * pipe. http-proxy's own response passes would copy the headers one
 * `setHeader` at a time and re-add a `Connection` header; Node sets
 * `Connection`/`Keep-Alive` and the framing itself, and so honours a
 * client's `Connection: close` (http-proxy answered `keep-alive`). It also
 * costs less CPU per request (docs/performance.md).
 *
 * What http-proxy does not do for us, done here:
 * - client abort → upstream request destroyed (http-proxy only listens for
 *   `aborted`, which Node does not emit once a GET's empty body was read, so
 *   an abandoned SSE stream would otherwise stay open upstream);
 * - upstream abort mid-response → client response destroyed (else it hangs);
 * - connect timeout → 504; any other upstream failure → 502 JSON;
 * - the outbound address policy (lib/net): the agents' `lookup` checks every resolved
 *   address at connect time, IP-literal targets are checked before connecting; refused → 502;
 * - `auth: oauth`: an upstream challenge (401, or 403 with `WWW-Authenticate`) is never relayed,
 *   since it would send clients to another authorization server: 502, logged;
 * - chunked body over the limit → 413 and upstream request destroyed;
 * - SSE: headers flushed at once, `X-Accel-Buffering: no`, no compression
 *   (headers.ts asks the upstream for `identity`; we never compress).
 */
import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http";
import https from "node:https";
import type { Socket } from "node:net";
import type { Transform, Writable } from "node:stream";
import httpProxy from "http-proxy";
import type { Logger } from "../log";
import { isFetchError, type FetchError } from "../net/errors";
import { checkLiteralHost, policyLookup, type Resolver } from "../net/policy";
import { BodyLimit, tooLarge } from "./body-limit";
import { ProxyError } from "./errors";
import { sendError } from "../http/respond";
import { clientResponseHeaders } from "./headers";
import type { UpstreamTarget } from "./route-table";

export type ForwardOptions = {
  target: UpstreamTarget;
  /** Upstream path + query. */
  path: string;
  headers: OutgoingHttpHeaders;
  /** Set for bodies without Content-Length: stream through a counting limit. */
  countBodyLimit?: number;
  /** Added to the response unless the upstream set its own CORS headers. */
  cors?: Record<string, string>;
  /** Relay the upstream's own `WWW-Authenticate` challenges (passthrough, none); false for `auth: oauth`. */
  relayChallenges: boolean;
  /** The virtual server, for log lines. */
  server?: string;
  /** Called once with the failure, if the exchange failed (for the log). */
  onError?: (e: ProxyError) => void;
  /** The request body, already read (lib/mcp/gate.ts): written to the upstream request instead of piping the request. */
  body?: Buffer;
  /** A transform for the response body, by its content type (list filtering); undefined relays it as is. */
  responseFilter?: (contentType: string | undefined) => Transform | undefined;
};

export type Forwarder = {
  forward(req: IncomingMessage, res: ServerResponse, o: ForwardOptions): void;
  close(): void;
};

export const CONNECT_TIMEOUT_MS = 10_000;

/**
 * A body already in memory (lib/mcp/gate.ts read it): set as the request's own `pipe`, which http-proxy calls
 * with the upstream request, it ends that request with the body in one write. Passing the body as http-proxy's
 * per-request `buffer` option instead would make it copy its options for every request.
 */
function pipeReadBody<W extends Writable>(this: WithForwardState, destination: W): W {
  destination.end(this[FORWARD_STATE]?.options.body);
  return destination;
}

/**
 * Per-request forwarding state, kept on the request (http-proxy events only give us req/res). A symbol property,
 * not a Map or WeakMap keyed by the request: those cost markedly more CPU per request on the hot path.
 */
type ForwardState = { options: ForwardOptions; proxyReq?: http.ClientRequest; failed: boolean };
const FORWARD_STATE = Symbol("portcullis.forwardState");
type WithForwardState = IncomingMessage & { [FORWARD_STATE]?: ForwardState };

const SSE_RE = /^text\/event-stream/i;

/** A 401, or any response with a `WWW-Authenticate` challenge at 403. */
const isChallenge = (status: number, h: IncomingMessage["headers"]) =>
  status === 401 || (status === 403 && h["www-authenticate"] !== undefined);

/** Upstream origins we keep a proxy instance for; past this (config churn), the table starts over. */
const MAX_PROXIES = 256;

export type ForwarderOptions = {
  logger?: Logger;
  maxSockets?: number;
  /** PORTCULLIS_BLOCK_PRIVATE_NETWORK: refuse loopback/private upstream addresses too. */
  blockPrivateNetwork?: boolean;
  /** DNS resolver for the address policy; injectable for tests. */
  resolver?: Resolver;
};

/** An upstream origin: its http-proxy instance, or why the address policy refuses it outright (IP literal). */
type Upstream = { proxy: httpProxy; refused?: FetchError };

export function createForwarder(opts: ForwarderOptions = {}): Forwarder {
  const policy = { origin: "admin" as const, blockPrivateNetwork: opts.blockPrivateNetwork ?? false };
  // Sized for long-lived SSE streams: each holds a socket for its lifetime, and
  // requests queued behind them would stall. Idle sockets are kept for reuse.
  // (Agents set TCP_NODELAY on their sockets by default.)
  const agentOpts = {
    keepAlive: true,
    maxSockets: opts.maxSockets ?? 1024,
    maxFreeSockets: 256,
    scheduling: "lifo" as const,
    lookup: policyLookup(policy, opts.resolver),
  };
  const agents = { "http:": new http.Agent(agentOpts), "https:": new https.Agent(agentOpts) };
  // One http-proxy instance per upstream origin, its target and agent fixed at creation: proxy.web() called
  // without per-request options skips two Object.assign copies and their property transitions per request.
  const upstreams = new Map<string, Upstream>();
  // Compiled routes keep their target objects until the config changes: look up by identity first.
  let byTarget = new WeakMap<UpstreamTarget, Upstream>();

  function upstreamFor(t: UpstreamTarget): Upstream {
    const known = byTarget.get(t);
    if (known) return known;
    const key = `${t.protocol}//${t.host}`;
    let upstream = upstreams.get(key);
    if (!upstream) {
      if (upstreams.size >= MAX_PROXIES) closeProxies();
      const proxy = httpProxy.createProxyServer({
        target: {
          protocol: t.protocol,
          host: t.host,
          hostname: t.hostname,
          port: t.port,
        } as unknown as httpProxy.ProxyTargetUrl,
        agent: agents[t.protocol],
        changeOrigin: true,
        xfwd: false,
        prependPath: false,
        selfHandleResponse: true,
        ws: false,
      });
      proxy.on("proxyReq", onProxyReq);
      proxy.on("proxyRes", onProxyRes);
      upstream = { proxy, refused: checkLiteralHost(t.hostname, policy) };
      upstreams.set(key, upstream);
    }
    byTarget.set(t, upstream);
    return upstream;
  }

  function closeProxies() {
    for (const u of upstreams.values()) u.proxy.close();
    upstreams.clear();
    byTarget = new WeakMap();
  }

  /** The address policy refused the upstream: a 502 that says so, and a log line naming the address and rule. */
  function refuseBlocked(req: WithForwardState, res: ServerResponse, err: FetchError) {
    const o = req[FORWARD_STATE]?.options;
    opts.logger?.error(
      {
        server: o?.server,
        upstream: o && `${o.target.protocol}//${o.target.host}`,
        address: err.address,
        err: err.message,
      },
      "upstream address refused by the outbound address policy",
    );
    fail(
      req,
      res,
      new ProxyError(
        "upstream_blocked",
        "The gateway refused to connect to the upstream MCP server: its address is not allowed by the gateway's outbound address policy",
        { cause: err },
      ),
    );
  }

  function fail(req: WithForwardState, res: ServerResponse, e: ProxyError) {
    const ex = req[FORWARD_STATE];
    if (ex) {
      if (ex.failed) return;
      ex.failed = true;
      ex.proxyReq?.destroy();
      ex.options.onError?.(e);
    }
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    // Connection: close — the client may still be sending a body we will not read.
    sendError(res, e, { connection: "close", ...(ex?.options.cors ?? {}) });
  }

  function onProxyReq(proxyReq: http.ClientRequest, req: WithForwardState, res: ServerResponse) {
    const ex = req[FORWARD_STATE];
    if (!ex) return;
    ex.proxyReq = proxyReq;
    if (res.destroyed || ex.failed) {
      proxyReq.destroy();
      return;
    }
    const socket = proxyReq.socket as Socket | null;
    if (socket?.connecting) {
      const timer = setTimeout(
        () =>
          fail(
            req,
            res,
            new ProxyError(
              "upstream_timeout",
              `The upstream MCP server did not accept a connection within ${CONNECT_TIMEOUT_MS / 1000} s`,
            ),
          ),
        CONNECT_TIMEOUT_MS,
      );
      socket.once("connect", () => clearTimeout(timer));
      socket.once("close", () => clearTimeout(timer));
    }
  }

  function onProxyRes(proxyRes: IncomingMessage, req: WithForwardState, res: ServerResponse) {
    // The client left, or we already answered (fail(): connect timeout, body over the limit): nothing to relay.
    if (res.headersSent || res.destroyed) {
      proxyRes.destroy();
      return;
    }
    const options = req[FORWARD_STATE]?.options;
    const status = proxyRes.statusCode ?? 502;
    if (options && !options.relayChallenges && isChallenge(status, proxyRes.headers)) {
      proxyRes.destroy();
      return refuseChallenge(req, res, options, status, proxyRes.headers["www-authenticate"]);
    }
    const headers = clientResponseHeaders(proxyRes.headers, options?.cors);
    // A challenge on any other status is dropped too (rare: the delete's slower object shape does not matter).
    if (options && !options.relayChallenges && headers["www-authenticate"] !== undefined)
      delete headers["www-authenticate"];
    const filter = options?.responseFilter?.(headers["content-type"]);
    if (filter) delete headers["content-length"];
    try {
      res.writeHead(status, proxyRes.statusMessage || undefined, headers);
    } catch (e) {
      // A status line or header value Node refuses to send, though its parser accepted it (a control
      // character in the reason phrase, say): a 502, not a crash. writeHead kept the bad reason phrase
      // before it threw, and the 502's own writeHead would reuse it and throw again.
      res.statusMessage = "";
      proxyRes.destroy();
      fail(
        req,
        res,
        new ProxyError("upstream_unavailable", "The upstream MCP server sent a response that cannot be relayed", {
          cause: e,
        }),
      );
      return;
    }
    // The upstream died mid-body: end the client's response too instead of leaving it hanging.
    proxyRes.on("close", () => {
      if (!proxyRes.complete && !res.writableEnded) res.destroy();
    });
    // SSE: the client sees the stream open now, not with the first event.
    if (SSE_RE.test(headers["content-type"] ?? "")) res.flushHeaders();
    if (filter) {
      filter.once("error", () => res.destroy());
      proxyRes.pipe(filter).pipe(res);
    } else proxyRes.pipe(res);
  }

  /** `auth: oauth`: the upstream answered the gateway with its own challenge. The client's token was fine. */
  function refuseChallenge(
    req: WithForwardState,
    res: ServerResponse,
    o: ForwardOptions,
    status: number,
    challenge: string | undefined,
  ) {
    opts.logger?.warn(
      {
        server: o.server,
        upstream: `${o.target.protocol}//${o.target.host}`,
        status,
        challenge: challenge?.slice(0, 300),
      },
      "upstream refused the gateway's request with its own challenge; not relayed (check the server's upstreamAuth)",
    );
    fail(
      req,
      res,
      new ProxyError(
        "upstream_refused",
        `The upstream MCP server refused the gateway's request (HTTP ${status}); its own authorization challenge is not relayed`,
      ),
    );
  }

  /** http-proxy's per-request error callback: one function for every exchange (no closure per request). */
  function onUpstreamError(err: Error, req: WithForwardState, res: ServerResponse) {
    const ex = req[FORWARD_STATE];
    if (!ex || ex.failed || res.destroyed) return; // we cancelled it, or the client left first
    if (isFetchError(err) && err.code === "fetch_blocked_address") return refuseBlocked(req, res, err);
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    opts.logger?.warn(
      { err: err?.message, code, upstream: `${ex.options.target.protocol}//${ex.options.target.host}` },
      "upstream request failed",
    );
    fail(req, res, new ProxyError("upstream_unavailable", "The upstream MCP server is unavailable", { cause: err }));
  }

  return {
    forward(req: WithForwardState, res, o) {
      const ex: ForwardState = { options: o, failed: false };
      req[FORWARD_STATE] = ex;
      req.headers = o.headers as IncomingMessage["headers"]; // http-proxy copies req.headers to the upstream request
      req.url = o.path; // with prependPath: false, the upstream path is req.url's path + query

      // Client went away before the upstream finished: cancel the upstream request.
      res.on("close", () => {
        if (!res.writableFinished) ex.proxyReq?.destroy();
      });

      const { proxy, refused } = upstreamFor(o.target);
      if (refused) {
        req.resume(); // the body goes nowhere; Connection: close ends the rest
        return refuseBlocked(req, res, refused);
      }
      if (o.body !== undefined || o.countBodyLimit === undefined) {
        if (o.body !== undefined) req.pipe = pipeReadBody as IncomingMessage["pipe"];
        // (req, res, callback): no options argument at all, or http-proxy copies its options for this request.
        (proxy as unknown as { web(req: IncomingMessage, res: ServerResponse, cb: typeof onUpstreamError): void }).web(
          req,
          res,
          onUpstreamError,
        );
        return;
      }
      const buffer = new BodyLimit(o.countBodyLimit);
      buffer.once("error", () => {
        req.unpipe(buffer);
        req.resume(); // drain what is in flight; Connection: close ends the rest
        fail(req, res, tooLarge(o.countBodyLimit!));
      });
      req.pipe(buffer);
      proxy.web(req, res, { buffer } as httpProxy.ServerOptions, onUpstreamError as unknown as httpProxy.ErrorCallback);
    },
    close() {
      agents["http:"].destroy();
      agents["https:"].destroy();
      closeProxies();
    },
  };
}
