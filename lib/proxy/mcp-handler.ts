/**
 * One request to a virtual server's MCP path, in order:
 * origin check → method → token in query refused → token verification and
 * enforcement (auth: oauth) → Content-Length precheck → stream to upstream.
 * Every outcome is set on ctx (access log) and pushed to the live request log
 * with the diagnosis (never the token).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "../http/types";
import { closeRecord, failureReason, openRecord, type RequestLog, type RequestLogRecord } from "../runtime/request-log";
import { decide, type Diagnosis } from "../tokens";
import { factsFromNodeRequest, resolvePublicBase, type PublicBase } from "../urls/public-base";
import type { TrustedProxies } from "../urls/trusted-proxies";
import { metadataUrl } from "../urls/resource-urls";
import { bearerFromHeader, hasQueryToken } from "./bearer";
import { declaredTooLarge } from "./body-limit";
import { buildWwwAuthenticate, sendBearerChallenge } from "./challenge";
import { corsFor, preflightHeaders } from "./cors";
import { ProxyError } from "./errors";
import { recordRejection } from "./rejection";
import { failResponse, sendError } from "../http/respond";
import { formatRequestId } from "../http/request-id";
import type { Logger } from "../log";
import { upstreamRequestHeaders, type Identity } from "./headers";
import { originAllowed, trustworthyRequestOrigin } from "./origin";
import { rememberedVerdict, rememberVerdict } from "./connection-verdict";
import type { CompiledRoute, RouteTable } from "./route-table";
import type { TokenService } from "../tokens/token-service";
import type { Forwarder, ForwardOptions } from "./upstream";
import {
  auditRequest,
  runGate,
  type CompiledGate,
  type GateDeps,
  type GateLog,
  type GateRequest,
  type ResponseFilter,
} from "../mcp/gate";
import { ANONYMOUS, callerOf } from "../policy";
import type { Caller } from "../policy/types";
import type { Metrics } from "../metrics/metrics";

export type McpDeps = {
  tokens: TokenService;
  forwarder: Forwarder;
  trustedProxies: TrustedProxies;
  requestLog: RequestLog;
  /** Rate limiter and audit queue for servers with rules, limits or audit (lib/mcp/gate.ts). */
  gate?: GateDeps;
  metrics?: Pick<Metrics, "tokenChecked">;
  logger?: Pick<Logger, "error">;
};

const MCP_METHODS = new Set(["POST", "GET", "DELETE"]);

/** The request-log record, filled in as the request goes (one shape from the start: hot path). */
type LogDraft = RequestLogRecord & GateLog;

/**
 * Synchronous whenever it can be: a request with no token, or one whose token
 * has a cached verdict, is checked and forwarded without a promise; only a
 * verification that must run the pipeline returns one.
 */
export function handleMcp(
  deps: McpDeps,
  table: RouteTable,
  route: CompiledRoute,
  req: IncomingMessage,
  res: ServerResponse,
  ctx: RequestContext,
): void | Promise<void> {
  ctx.serverName = route.name;
  // Read once: req.headers is a getter, and its symbol lookup was a megamorphic load in CPU profiles (hot path).
  const headers = req.headers;
  const facts = factsFromNodeRequest(req, headers);
  const publicBase = resolvePublicBase(facts, {
    publicUrl: table.publicUrl,
    trustedProxies: deps.trustedProxies,
    serverPublicUrls: route.publicUrls,
  });
  const method = req.method ?? "GET";
  const log: LogDraft = openRecord(ctx.seq, route.name, method, route.path);
  // on, not once: 'close' fires once anyway, and once() binds a wrapper per call (hot path).
  res.on("close", () => {
    closeRecord(deps.requestLog, log, res.statusCode, ctx.startedAt, req.socket);
    if (route.gate?.audit && deps.gate?.audit)
      auditRequest(deps.gate.audit, route.name, log, route.gate.audit.arguments);
  });

  const origin = headers.origin;
  if (origin !== undefined && !originAllowed(route.origins, origin, trustworthyRequestOrigin(publicBase))) {
    return refuse(
      res,
      ctx,
      log,
      new ProxyError("forbidden_origin", "This Origin is not allowed to use this MCP server"),
    );
  }
  const cors = origin !== undefined ? corsFor(origin) : undefined;

  if (route.mode !== "passthrough") {
    if (method === "OPTIONS") {
      res.writeHead(204, preflightHeaders(origin, headers["access-control-request-headers"]));
      res.end();
      ctx.outcome = "preflight";
      log.outcome = "accepted";
      return;
    }
    if (!MCP_METHODS.has(method)) {
      return refuse(
        res,
        ctx,
        log,
        new ProxyError("method_not_allowed", `${method} is not an MCP method; use POST, GET or DELETE`),
        { allow: "GET, POST, DELETE, OPTIONS", ...cors },
      );
    }
    if (hasQueryToken(ctx.rawSearch)) {
      const e = new ProxyError(
        "invalid_request",
        "Access tokens in the query string are not accepted; send an Authorization: Bearer header",
      );
      const challenge: Record<string, string> =
        route.mode === "oauth"
          ? {
              "www-authenticate": buildWwwAuthenticate({
                resourceMetadata: metadataUrl(publicBase.base, route.path),
                error: "invalid_request",
                errorDescription: e.message,
              }),
            }
          : {};
      return refuse(res, ctx, log, e, { ...challenge, ...cors });
    }
  }

  const exchange: McpExchange = {
    deps,
    route,
    req,
    headers,
    res,
    ctx,
    log,
    publicBase,
    peer: facts.peer,
    cors,
    diagnosis: undefined,
  };
  if (route.mode !== "oauth") {
    ctx.outcome = route.mode;
    log.outcome = route.mode === "passthrough" ? "passthrough" : "unauthenticated";
    return forward(exchange, undefined);
  }

  const bearer = bearerFromHeader(headers.authorization);
  if (bearer.kind === "none") return decideAndForward(exchange, undefined);
  const target = deps.tokens.targetFor(route, publicBase.base);
  if (!target) {
    // auth: oauth naming a provider that does not exist: fail closed, say why in the log.
    log.code = "provider_not_found";
    log.reason = `provider ${route.server.oauth?.provider} is not configured`;
    sendChallenge(
      res,
      route,
      publicBase,
      { status: 401, oauthError: "invalid_token", errorDescription: "The server's authorization is misconfigured" },
      cors,
    );
    ctx.outcome = "rejected:provider_not_found";
    log.outcome = "rejected";
    return;
  }
  let cached = rememberedVerdict(req.socket, bearer.token, target, (target.now ?? Date.now)());
  if (!cached) {
    cached = deps.tokens.cachedVerdict(bearer.token, target);
    if (cached) rememberVerdict(req.socket, bearer.token, target, cached);
  }
  if (cached) return decideAndForward(exchange, cached);
  return deps.tokens.verify(bearer.token, target).then((diagnosis) => decideAndForward(exchange, diagnosis));
}

/** One request's state once it passed the pre-checks (one object instead of closures: hot path). */
type McpExchange = {
  deps: McpDeps;
  route: CompiledRoute;
  req: IncomingMessage;
  headers: IncomingHttpHeaders;
  res: ServerResponse;
  ctx: RequestContext;
  log: LogDraft;
  publicBase: PublicBase;
  peer: string | undefined;
  cors: Record<string, string> | undefined;
  /** The accepted token's diagnosis (for the operation gate's caller). */
  diagnosis: Diagnosis | undefined;
};

/** Applies the enforcement mode to the token's diagnosis (undefined: no token), then answers or forwards. */
function decideAndForward(exchange: McpExchange, diagnosis: Diagnosis | undefined): void {
  const { route, ctx, log } = exchange;
  if (diagnosis) {
    log.fingerprint = diagnosis.fingerprint;
    log.subject = diagnosis.subject;
    log.client = diagnosis.clientId;
    exchange.deps.metrics?.tokenChecked(diagnosis);
  }
  const decision = decide(route.enforcement, diagnosis ?? "no_token");
  if (!decision.allow) {
    sendChallenge(exchange.res, route, exchange.publicBase, decision, exchange.cors);
    recordRejection(ctx, log, decision, diagnosis);
    return;
  }
  if (decision.authenticated && diagnosis) {
    ctx.outcome = "accepted";
    log.outcome = "accepted";
    exchange.diagnosis = diagnosis;
    return forward(exchange, { subject: diagnosis.subject, client: diagnosis.clientId, scopes: diagnosis.scopes });
  }
  if (decision.reason === "permissive" && diagnosis) {
    const code = diagnosis.failed?.code ?? "invalid_token";
    ctx.outcome = `permissive:${code}`;
    log.outcome = "permissive";
    log.code = code;
    log.reason = diagnosis.failed?.message;
    log.diagnosis = diagnosis;
  } else {
    ctx.outcome = decision.reason === "permissive" ? "permissive:no_token" : "unauthenticated";
    log.outcome = decision.reason === "permissive" ? "permissive" : "unauthenticated";
  }
  forward(exchange, undefined);
}

/** Body limit precheck, upstream headers (identity only from a verified token), then stream to the upstream. */
function forward(exchange: McpExchange, identity: Identity | undefined): void {
  const { route, req, headers, res, ctx, log, deps } = exchange;
  if (declaredTooLarge(headers["content-length"], route.server.maxBodyBytes)) {
    return refuse(
      res,
      ctx,
      log,
      new ProxyError("payload_too_large", `The request body exceeds ${route.server.maxBodyBytes} bytes`),
      { connection: "close", ...exchange.cors },
    );
  }
  const upstreamHeaders = upstreamRequestHeaders(headers, {
    mode: route.mode,
    upstreamAuth: route.server.upstreamAuth,
    identity: route.server.identityHeaders ? identity : undefined,
    forwarded: forwardedFor(exchange.peer, headers["x-forwarded-for"], deps.trustedProxies, exchange.publicBase),
  });
  const hasBody = headers["content-length"] === undefined && headers["transfer-encoding"] !== undefined;
  const options: ForwardOptions = {
    target: route.upstream.target,
    path: route.upstream.path + joinQuery(route.upstream.path, ctx.rawSearch),
    headers: upstreamHeaders,
    countBodyLimit: hasBody ? route.server.maxBodyBytes : undefined,
    cors: exchange.cors,
    relayChallenges: route.mode !== "oauth",
    server: route.name,
    onError: (e) => {
      ctx.outcome = `error:${e.code}`;
      log.outcome = "error";
      log.code = e.code;
      log.reason = failureReason(e);
    },
    body: undefined,
    responseFilter: undefined,
  };
  if (route.gate !== undefined && deps.gate !== undefined && req.method === "POST")
    return runGate(new GatedExchange(exchange, route.gate, deps.gate, options));
  deps.forwarder.forward(req, res, options);
}

/**
 * Servers with rules, rate limits or audit: the operation gate (lib/mcp/gate.ts) decides, then forwards.
 * Its view of the exchange is one object with methods, not a bag of closures (hot path).
 */
class GatedExchange implements GateRequest {
  readonly server: string;
  readonly maxBodyBytes: number;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly log: LogDraft;
  readonly caller: Caller;
  readonly peer: string | undefined;
  readonly cors: Record<string, string> | undefined;

  constructor(
    private readonly exchange: McpExchange,
    readonly gate: CompiledGate,
    readonly deps: GateDeps,
    private readonly options: ForwardOptions,
  ) {
    this.server = exchange.route.name;
    this.maxBodyBytes = exchange.route.server.maxBodyBytes;
    this.req = exchange.req;
    this.res = exchange.res;
    this.log = exchange.log;
    this.caller = exchange.diagnosis ? callerOf(exchange.diagnosis) : ANONYMOUS;
    this.peer = exchange.peer;
    this.cors = exchange.cors;
  }

  resourceMetadata(): string {
    return metadataUrl(this.exchange.publicBase.base, this.exchange.route.path);
  }

  setOutcome(outcome: string): void {
    this.exchange.ctx.outcome = outcome;
  }

  forward(body: Buffer | undefined, responseFilter: ResponseFilter | undefined): void {
    const o = this.options;
    if (body !== undefined) {
      // The upstream gets the body as read: its length, never the client's framing (chunked is hop-by-hop).
      o.headers["content-length"] = String(body.length);
      o.body = body;
    }
    o.responseFilter = responseFilter;
    this.exchange.deps.forwarder.forward(this.req, this.res, o);
  }

  fail(e: unknown): void {
    const { route, ctx, deps } = this.exchange;
    deps.logger?.error(
      { event: "mcp_gate_failed", server: route.name, reqId: formatRequestId(ctx.seq), err: e },
      "the operation gate failed",
    );
    failResponse(this.res, new ProxyError("upstream_unavailable", "The request could not be relayed", { cause: e }));
  }
}

export function sendChallenge(
  res: ServerResponse,
  route: CompiledRoute,
  publicBase: PublicBase,
  r: { status: 401 | 403; oauthError?: "invalid_token" | "insufficient_scope"; errorDescription?: string },
  cors: Record<string, string> | undefined,
) {
  const requiredScopes = route.server.oauth?.requiredScopes;
  sendBearerChallenge(
    res,
    r.status,
    {
      resourceMetadata: metadataUrl(publicBase.base, route.path),
      error: r.oauthError,
      errorDescription: r.errorDescription,
      // No token: tell the client which scopes to ask for. insufficient_scope: RFC 6750 §3.1 wants them too.
      scope: !r.oauthError || r.oauthError === "insufficient_scope" ? requiredScopes : undefined,
    },
    cors,
  );
}

function refuse(
  res: ServerResponse,
  ctx: RequestContext,
  log: LogDraft,
  e: ProxyError,
  headers: Record<string, string> = {},
) {
  ctx.outcome = `refused:${e.code}`;
  log.outcome = "rejected";
  log.code = e.code;
  log.reason = e.message;
  sendError(res, e, headers);
}

/** What the upstream learns about the client: the resolved public base, and the peer appended to a trusted chain. */
function forwardedFor(
  peer: string | undefined,
  xff: string | string[] | undefined,
  trusted: TrustedProxies,
  publicBase: PublicBase,
) {
  const prior = xff !== undefined && trusted.matches(peer) ? (Array.isArray(xff) ? xff.join(", ") : xff) : undefined;
  const b = baseParts(publicBase.base);
  return { for: peer, priorFor: prior, proto: b.proto, host: b.host, prefix: b.prefix };
}

/** Public bases are shared URL objects (memoised or parsed once): read their parts once, not per request. */
const partsOfBase = new WeakMap<URL, { proto: string; host: string; prefix: string | undefined }>();
function baseParts(base: URL) {
  let p = partsOfBase.get(base);
  if (!p) {
    p = {
      proto: base.protocol.slice(0, -1),
      host: base.host,
      prefix: base.pathname === "/" ? undefined : base.pathname.replace(/\/+$/, ""),
    };
    partsOfBase.set(base, p);
  }
  return p;
}

/** Client query appended to the upstream's own (`?a=1` + `?b=2` → `&b=2`). */
const joinQuery = (upstreamPath: string, search: string) =>
  !search || search === "?" ? "" : upstreamPath.includes("?") ? `&${search.slice(1)}` : search;
