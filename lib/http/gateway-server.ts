/**
 * The gateway's request pipeline, in order: an absolute-form target made origin-form
 * (request-target.ts) → allowed hosts (421 for a host that is not one of the gateway's names;
 * health probes exempt) → health → MCP proxy and its well-known documents → OAuth facade → admin auth routes → console gate → Next.js. MCP traffic never
 * reaches Next, not even for a path no server has (protocol-not-found.ts). One JSON
 * access-log line per request.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Runtime } from "../runtime/types";
import { createResourceServerHandler } from "../proxy/handler";
import { createOAuthFacadeHandler } from "../oauth/handler";
import { createLoginRoutes } from "../admin/login-routes";
import { guardConsole } from "../admin/guard";
import { factsFromNodeRequest, resolvePublicBase } from "../urls/public-base";
import { failResponse, sendJson } from "./respond";
import { AppError, isAppError, oauthErrorBody } from "../errors";
import { RequestContext } from "./request-context";
import { liveness, readiness } from "./health";
import { formatRequestId } from "./request-id";
import { protocolNotFound } from "./protocol-not-found";
import { toOriginForm } from "./request-target";
import { createHostGuard, listenHostWarning } from "../urls/allowed-hosts";
import { observeFacade } from "../metrics/facade";
import { createMetricsRoute, localSource, type MetricsSource } from "../metrics/endpoint";
import { traceFacade } from "../tracing/spans";
import { createForwardAuthHandler } from "../forward-auth/handler";
import { FORWARD_AUTH_PATH } from "../forward-auth/original-request";
import { traceRequest, tracingOn } from "../tracing/tracer";

export type NextHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/**
 * What a listener serves (docs/operations.md, Admin listener): `all` on a single port; with ADMIN_PORT,
 * `public` (MCP, well-known documents, OAuth facade, health) and `admin` (console, /api, health).
 */
export type Surface = "all" | "public" | "admin";

export function createGatewayRequestHandler(
  runtime: Runtime,
  nextHandler?: NextHandler,
  {
    surface = "all",
    metricsSource,
  }: {
    surface?: Surface;
    /** What `/metrics` serves: this process's registry by default; with workers, the cluster's aggregate. */
    metricsSource?: MetricsSource;
  } = {},
) {
  const servesMcp = surface !== "admin";
  const servesConsole = surface !== "public";
  const { env, logger } = runtime;

  /** Origins a console request may legitimately come from (CSRF check). */
  const expectedOrigins = (req: IncomingMessage): string[] => {
    const facts = factsFromNodeRequest(req);
    const pub = resolvePublicBase(facts, { publicUrl: env.PUBLIC_URL, trustedProxies: runtime.trustedProxies }).base
      .origin;
    const own = `${facts.encrypted ? "https" : "http"}://${(facts.host ?? "").toLowerCase()}`;
    return [...new Set([pub, own])];
  };
  const secureCookies = (req: IncomingMessage) =>
    resolvePublicBase(factsFromNodeRequest(req), { publicUrl: env.PUBLIC_URL, trustedProxies: runtime.trustedProxies })
      .base.protocol === "https:";

  const loginRoutes = createLoginRoutes({
    admin: runtime.repos.admin,
    adminToken: env.ADMIN_TOKEN,
    trustedProxies: runtime.trustedProxies,
    signIns: runtime.rateLimits.signIns,
    expectedOrigins,
    secureCookies,
    logger,
  });
  const resourceServer = createResourceServerHandler(runtime);
  const forwardAuth = createForwardAuthHandler(runtime);
  const facade = traceFacade(observeFacade(createOAuthFacadeHandler(runtime), runtime.metrics));
  const guardDeps = { admin: runtime.repos.admin, adminToken: env.ADMIN_TOKEN, expectedOrigins, secureCookies };
  const metricsRoute =
    runtime.metrics &&
    createMetricsRoute({ ...guardDeps, source: metricsSource ?? localSource(runtime.metrics.registry), logger });
  const hosts = createHostGuard({
    allowedHosts: env.ALLOWED_HOSTS,
    publicUrl: env.PUBLIC_URL,
    trustedProxies: runtime.trustedProxies,
    snapshot: () => runtime.config.current(),
  });
  const hostWarning = listenHostWarning(env);
  if (hostWarning) logger.warn({ host: env.HOST }, hostWarning);

  function accessLog(req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
    // The console's own page loads, link prefetches, assets and API reads are routine: debug. Its writes stay info.
    const consoleRead = ctx.outcome === "console" && (req.method === "GET" || req.method === "HEAD");
    const quiet =
      (consoleRead && res.statusCode < 500) ||
      ctx.url.pathname.startsWith("/_next/") ||
      ctx.url.pathname === "/healthz";
    const level = quiet ? "debug" : "info";
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        reqId: formatRequestId(ctx.seq),
        method: req.method,
        path: ctx.url.pathname,
        status: res.statusCode,
        durationMs: Math.round((performance.now() - ctx.startedAt) * 100) / 100,
        ...(ctx.serverName ? { server: ctx.serverName } : {}),
        ...(ctx.outcome ? { outcome: ctx.outcome } : {}),
        ...(res.writableFinished ? {} : { aborted: true }),
      },
      "request",
    );
  }

  function fail(res: ServerResponse, ctx: RequestContext, e: unknown) {
    failResponse(res, e);
    if (!isAppError(e)) logger.error({ err: e, reqId: formatRequestId(ctx.seq) }, "unhandled error");
  }

  /** Everything that is not a virtual server's MCP path or metadata. */
  async function rest(req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
    try {
      const path = ctx.url.pathname;
      if (path === "/healthz") return sendJson(res, 200, liveness);
      if (path === "/readyz") {
        const r = readiness(runtime);
        return sendJson(res, r.status, r.body);
      }
      if (servesMcp && (path === FORWARD_AUTH_PATH || path.startsWith(`${FORWARD_AUTH_PATH}/`)))
        return await forwardAuth(req, res, ctx);
      if (servesConsole && path === "/metrics") {
        if (metricsRoute) return await metricsRoute(req, res);
        throw new AppError("not_found", "metrics are turned off (PORTCULLIS_METRICS=false)");
      }
      if (servesMcp && (await facade(req, res, ctx))) return;
      if (servesConsole && (await loginRoutes(req, res, path))) return;
      const missing = servesMcp && protocolNotFound(path, runtime.config.current());
      if (missing) {
        // The MCP/OAuth error shape, and readable cross-origin: browser-based clients (the MCP Inspector)
        // would otherwise see only a CORS failure.
        ctx.outcome = "not_found";
        return sendJson(res, 404, oauthErrorBody("not_found", missing), { "access-control-allow-origin": "*" });
      }
      // With an admin listener, the public port has no console or admin API, and does not say where they are.
      if (!servesConsole) throw new AppError("not_found", `no route for ${path}`);

      if (!nextHandler) {
        if (path.startsWith("/api/") && !(await guardConsole(req, res, path, guardDeps))) {
          throw new AppError(
            "not_found",
            "the admin API is served by the console, which is disabled (PORTCULLIS_NO_CONSOLE)",
          );
        }
        if (!res.headersSent) throw new AppError("not_found", `no route for ${path}`);
        return;
      }
      if (await guardConsole(req, res, path, guardDeps)) return;
      // The console must never be framed (clickjacking on one-click fixes).
      res.setHeader("x-frame-options", "DENY");
      res.setHeader("content-security-policy", "frame-ancestors 'none'");
      res.setHeader("referrer-policy", "same-origin");
      res.setHeader("x-content-type-options", "nosniff");
      ctx.outcome = "console";
      await nextHandler(req, res);
    } catch (e) {
      fail(res, ctx, e);
    }
  }

  /** 421 for a host that is not one of the gateway's names (lib/urls/allowed-hosts.ts). */
  function misdirected(res: ServerResponse, ctx: RequestContext, host: string) {
    ctx.outcome = "refused:host_not_allowed";
    const shown = host.replace(/[^\x21-\x7e]/g, "?").slice(0, 100);
    sendJson(
      res,
      421,
      oauthErrorBody(
        "host_not_allowed",
        `This gateway does not answer for the host "${shown}". If that name is yours, add it to ALLOWED_HOSTS (comma-separated), or set PUBLIC_URL or the server's publicUrls to it.`,
      ),
    );
  }

  // MCP traffic first, and without a promise when the request needs none (hot path). Its paths never
  // collide with the routes in rest(): /healthz, /readyz, /oauth, /login… are reserved prefixes.
  function dispatch(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void {
    if (!servesMcp) return void rest(req, res, ctx);
    let handled: boolean | Promise<boolean>;
    try {
      handled = resourceServer(req, res, ctx);
    } catch (e) {
      return fail(res, ctx, e);
    }
    if (handled === true) return;
    if (handled === false) return void rest(req, res, ctx);
    handled.then(
      (h) => (h ? undefined : rest(req, res, ctx)),
      (e: unknown) => fail(res, ctx, e),
    );
  }

  // Chosen once: with tracing off the request runs `dispatch` itself, with no test per request.
  const run: typeof dispatch = tracingOn()
    ? (req, res, ctx) => traceRequest(req, res, ctx, ctx.rawPath, dispatch)
    : dispatch;
  return function handle(req: IncomingMessage, res: ServerResponse): void {
    // `GET http://host/… HTTP/1.1`: the target's host is the request's host (checked below like any other).
    if (req.url !== undefined && req.url.charCodeAt(0) !== 47 /* / */) toOriginForm(req);
    const ctx = new RequestContext(req.url ?? "/");
    // Every access-log line is at info or debug: below that level, don't even listen (hot path).
    if (logger.isLevelEnabled("info")) res.on("close", () => accessLog(req, res, ctx));
    const refusedHost = hosts.refusedHost(req);
    // Health probes (load balancers, Kubernetes) name the pod's address; their answers use no host.
    if (refusedHost !== undefined && ctx.rawPath !== "/healthz" && ctx.rawPath !== "/readyz")
      return misdirected(res, ctx, refusedHost);
    run(req, res, ctx);
  };
}
