/**
 * `/forward-auth`: the gateway as the authorization service of an edge proxy
 * (nginx `auth_request`, Traefik ForwardAuth, Envoy `ext_authz`, Caddy
 * `forward_auth`; docs/forward-auth.md). The edge forwards MCP traffic to the
 * upstream itself and asks here first. The answer comes from the same route
 * table and token pipeline as the proxy's, in the proxy's order: origin →
 * method → token in the query refused → token verified and enforced.
 * - allowed: `200`, empty, with `X-Portcullis-Subject`, `-Client` and
 *   `-Scopes` for a verified token, and `Cache-Control: max-age` for as long
 *   as the gateway itself would trust the verdict (never past `exp`);
 * - refused: the exact `401`/`403` (`WWW-Authenticate` included) or error
 *   the proxy would have answered, for the edge to pass on.
 * Only peers in TRUSTED_PROXIES are answered: the request's headers are
 * taken as the edge's word. Every verdict goes to the live request log.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestContext } from "../http/types";
import type { Metrics } from "../metrics/metrics";
import { recordRejection } from "../proxy/rejection";
import { closeRecord, openRecord, type RequestLogRecord } from "../runtime/request-log";
import type { Runtime } from "../runtime/types";
import { decide, type Diagnosis } from "../tokens";
import { MAX_VERDICT_TTL_MS, type CachedDiagnosis } from "../tokens/verifier";
import { sendError, sendJson } from "../http/respond";
import { metadataUrl } from "../urls/resource-urls";
import { factsFromNodeRequest, resolvePublicBase, type PublicBase } from "../urls/public-base";
import { bearerFromHeader, hasQueryToken } from "../proxy/bearer";
import { buildWwwAuthenticate } from "../proxy/challenge";
import { rememberedVerdict, rememberVerdict } from "../proxy/connection-verdict";
import { ProxyError } from "../proxy/errors";
import { oauthErrorBody } from "../errors";
import { headerSafe } from "../proxy/headers";
import { sendChallenge } from "../proxy/mcp-handler";
import { originAllowed, trustworthyRequestOrigin } from "../proxy/origin";
import type { CompiledRoute } from "../proxy/route-table";
import { originalRequest } from "./original-request";

const MCP_METHODS = new Set(["POST", "GET", "DELETE"]);

type Check = {
  route: CompiledRoute;
  res: ServerResponse;
  ctx: RequestContext;
  log: RequestLogRecord;
  publicBase: PublicBase;
  metrics?: Pick<Metrics, "tokenChecked">;
};

export function createForwardAuthHandler(runtime: Runtime) {
  const { routes, trustedProxies, tokens, requestLog, metrics } = runtime;

  return function forwardAuth(req: IncomingMessage, res: ServerResponse, ctx: RequestContext): void | Promise<void> {
    if (!trustedProxies.matches(req.socket.remoteAddress)) {
      ctx.outcome = "forward-auth:untrusted";
      return sendJson(
        res,
        403,
        oauthErrorBody("forbidden", "forward-auth answers only the proxies listed in TRUSTED_PROXIES"),
      );
    }
    const original = originalRequest(req.method ?? "GET", ctx, req.headers);
    if ("error" in original) {
      ctx.outcome = "forward-auth:bad_request";
      return sendJson(res, 400, oauthErrorBody("invalid_request", original.error));
    }
    const table = routes.current();
    const route = table.byPath.get(original.rawPath) ?? table.byPath.get(normalisedPath(original.rawPath));
    if (!route) {
      ctx.outcome = "forward-auth:not_found";
      return sendJson(res, 404, oauthErrorBody("not_found", `no MCP server at ${original.rawPath}`));
    }
    ctx.serverName = route.name;
    const headers = req.headers;
    const publicBase = resolvePublicBase(factsFromNodeRequest(req, headers), {
      publicUrl: table.publicUrl,
      trustedProxies,
      serverPublicUrls: route.publicUrls,
    });
    const check: Check = {
      route,
      res,
      ctx,
      log: openRecord(ctx.seq, route.name, original.method, route.path),
      publicBase,
      metrics,
    };
    res.on("close", () => closeRecord(requestLog, check.log, res.statusCode, ctx.startedAt, req.socket));

    const origin = headers.origin;
    if (origin !== undefined && !originAllowed(route.origins, origin, trustworthyRequestOrigin(publicBase)))
      return refuse(check, new ProxyError("forbidden_origin", "This Origin is not allowed to use this MCP server"));
    if (route.mode === "passthrough") return allow(check, "passthrough", undefined);
    if (original.method === "OPTIONS") return allow(check, "accepted", undefined);
    if (!MCP_METHODS.has(original.method))
      return refuse(
        check,
        new ProxyError("method_not_allowed", `${original.method} is not an MCP method; use POST, GET or DELETE`),
        { allow: "GET, POST, DELETE, OPTIONS" },
      );
    if (hasQueryToken(original.rawSearch)) {
      const e = new ProxyError(
        "invalid_request",
        "Access tokens in the query string are not accepted; send an Authorization: Bearer header",
      );
      const www = buildWwwAuthenticate({
        resourceMetadata: metadataUrl(publicBase.base, route.path),
        error: "invalid_request",
        errorDescription: e.message,
      });
      return refuse(check, e, route.mode === "oauth" ? { "www-authenticate": www } : {});
    }
    if (route.mode === "none") return allow(check, "unauthenticated", undefined);

    const bearer = bearerFromHeader(headers.authorization);
    if (bearer.kind === "none") return enforce(check, undefined);
    const target = tokens.targetFor(route, publicBase.base);
    if (!target) {
      check.log.code = "provider_not_found";
      check.log.reason = `provider ${route.server.oauth?.provider} is not configured`;
      check.log.outcome = "rejected";
      ctx.outcome = "rejected:provider_not_found";
      return sendChallenge(
        res,
        route,
        publicBase,
        {
          status: 401,
          oauthError: "invalid_token",
          errorDescription: "The server's authorization is misconfigured",
        },
        undefined,
      );
    }
    const now = (target.now ?? Date.now)();
    let cached = rememberedVerdict(req.socket, bearer.token, target, now);
    if (!cached) {
      cached = tokens.cachedVerdict(bearer.token, target);
      if (cached) rememberVerdict(req.socket, bearer.token, target, cached);
    }
    if (cached) return enforce(check, cached);
    return tokens.verify(bearer.token, target).then((d) => enforce(check, d));
  };
}

/** The server's enforcement applied to the token's diagnosis (undefined: no token). */
function enforce(check: Check, diagnosis: (Diagnosis & { cachedUntil?: number }) | undefined): void {
  const { route, log, ctx } = check;
  if (diagnosis) {
    log.fingerprint = diagnosis.fingerprint;
    log.subject = diagnosis.subject;
    log.client = diagnosis.clientId;
    check.metrics?.tokenChecked(diagnosis);
  }
  const decision = decide(route.enforcement, diagnosis ?? "no_token");
  if (!decision.allow) {
    sendChallenge(check.res, route, check.publicBase, decision, undefined);
    recordRejection(ctx, log, decision, diagnosis);
    return;
  }
  if (decision.authenticated && diagnosis) return allow(check, "accepted", diagnosis);
  if (decision.reason === "permissive" && diagnosis) {
    log.code = diagnosis.failed?.code ?? "invalid_token";
    log.reason = diagnosis.failed?.message;
    log.diagnosis = diagnosis;
    return allow(check, "permissive", undefined);
  }
  allow(check, decision.reason === "permissive" ? "permissive" : "unauthenticated", undefined);
}

/** 200: the identity of a verified token, cacheable by the edge for as long as the gateway trusts the verdict. */
function allow(
  check: Check,
  outcome: RequestLogRecord["outcome"],
  verified: (Diagnosis & { cachedUntil?: number }) | undefined,
): void {
  check.log.outcome = outcome;
  check.ctx.outcome = check.log.code ? `${outcome}:${check.log.code}` : outcome;
  const headers: Record<string, string> = { "content-length": "0", "cache-control": "no-store" };
  if (verified) {
    if (verified.subject) headers["x-portcullis-subject"] = headerSafe(verified.subject);
    if (verified.clientId) headers["x-portcullis-client"] = headerSafe(verified.clientId);
    headers["x-portcullis-scopes"] = headerSafe(verified.scopes.join(" "), 4096);
    const maxAge = edgeCacheSeconds(verified, Date.now());
    if (maxAge > 0) headers["cache-control"] = `max-age=${maxAge}`;
  }
  check.res.writeHead(200, headers);
  check.res.end();
}

/**
 * How long the edge may reuse an accepted verdict: until the gateway's own verdict cache would let
 * go of it (a cached verdict says when; a fresh one would be kept MAX_VERDICT_TTL_MS), never past `exp`.
 */
export function edgeCacheSeconds(d: Pick<CachedDiagnosis, "expiresAt" | "cachedUntil">, now: number): number {
  const until = Math.min(d.cachedUntil ?? now + MAX_VERDICT_TTL_MS, (d.expiresAt ?? 0) * 1000);
  return Math.max(0, Math.floor((until - now) / 1000));
}

function refuse(check: Check, e: ProxyError, headers: Record<string, string> = {}): void {
  check.ctx.outcome = `refused:${e.code}`;
  check.log.outcome = "rejected";
  check.log.code = e.code;
  check.log.reason = e.message;
  sendError(check.res, e, headers);
}

const normalisedPath = (raw: string) => new URL(raw, "http://gateway.invalid").pathname;
