/**
 * Authorization-server facade routes (`oauth.mode: proxy`, docs/architecture.md):
 *   /.well-known/oauth-authorization-server/oauth/<p>
 *   /.well-known/openid-configuration/oauth/<p>
 *   /oauth/<p>/.well-known/openid-configuration (and …/oauth-authorization-server)
 *   /oauth/<p>/authorize (GET; POST = consent form), /token, /register, /callback
 * and, on the host of a provider's `facadeUrl`, the same at the host's root
 * (/.well-known/oauth-authorization-server, /authorize, /token, /register, /callback).
 * A provider has a facade only while some server uses it in proxy mode.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayHandler } from "../http/types";
import type { Runtime } from "../runtime/types";
import { createClientLifecycleRepo } from "../db/client-lifecycle-repo";
import { createOAuthRepo } from "../db/oauth-repo";
import { parsePrivateHosts } from "./cimd/private-hosts";
import { createCimdResolver } from "./cimd/resolver";
import { sendError, sendJson } from "../http/respond";
import { factsFromNodeRequest, PUBLIC_BASE_VARY, resolvePublicBase } from "../urls/public-base";
import { buildContext, DEFAULT_LIMITS, type FacadeDeps } from "./context";
import { handleAuthorize, handleConsent } from "./authorize";
import { handleCallback } from "./callback";
import { OAuthError, ServerError, TemporarilyUnavailable } from "./errors";
import { oauthErrorBody } from "../errors";
import { isDatabaseUnavailable } from "../db/unavailable";
import { buildFacadeMetadata } from "./metadata";
import { handleRegister } from "./register";
import { handleToken } from "./token";
import { CORS_HEADERS, sendPreflight } from "./http";
import { providerMetadata } from "./idp-client";

const WELL_KNOWN_RE = /^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/oauth\/([a-z0-9-]{1,63})$/;
const FACADE_RE =
  /^\/oauth\/([a-z0-9-]{1,63})\/(authorize|token|register|callback|\.well-known\/openid-configuration|\.well-known\/oauth-authorization-server)$/;

type Route = {
  provider: string;
  endpoint: "metadata" | "authorize" | "token" | "register" | "callback";
  /** Reached at the root of the provider's facadeUrl host. */
  atRoot?: boolean;
};

/** The facade's paths at the root of a facadeUrl host. */
const ROOT_PATHS: Readonly<Record<string, Route["endpoint"]>> = {
  "/.well-known/oauth-authorization-server": "metadata",
  "/.well-known/openid-configuration": "metadata",
  "/authorize": "authorize",
  "/token": "token",
  "/register": "register",
  "/callback": "callback",
};

/** A facade path at the root of the host of a provider's facadeUrl (the request's host, as public-base.ts reads it). */
function matchRootRoute(req: IncomingMessage, path: string, deps: FacadeDeps): Route | undefined {
  const endpoint = Object.prototype.hasOwnProperty.call(ROOT_PATHS, path) ? ROOT_PATHS[path] : undefined;
  if (!endpoint) return undefined;
  const facts = factsFromNodeRequest(req);
  for (const p of deps.config().providers.values()) {
    if (!p.facadeUrl) continue;
    const { source } = resolvePublicBase(facts, {
      trustedProxies: deps.trustedProxies,
      serverPublicUrls: [p.facadeUrl],
      requestFallback: true,
    });
    if (source === "server_public_url") return { provider: p.name, endpoint, atRoot: true };
  }
  return undefined;
}

export function matchFacadeRoute(path: string): Route | undefined {
  let m = WELL_KNOWN_RE.exec(path);
  if (m) return { provider: m[1], endpoint: "metadata" };
  m = FACADE_RE.exec(path);
  if (!m) return undefined;
  return { provider: m[1], endpoint: m[2].startsWith(".well-known") ? "metadata" : (m[2] as Route["endpoint"]) };
}

const ALLOWED: Record<Route["endpoint"], string[]> = {
  metadata: ["GET", "HEAD", "OPTIONS"],
  authorize: ["GET", "POST"],
  token: ["POST", "OPTIONS"],
  register: ["POST", "OPTIONS"],
  callback: ["GET"],
};

export function createFacadeHandler(deps: FacadeDeps): GatewayHandler {
  return async (req: IncomingMessage, res: ServerResponse, rctx) => {
    const route = matchFacadeRoute(rctx.url.pathname) ?? matchRootRoute(req, rctx.url.pathname, deps);
    if (!route) return false;
    const ctx = buildContext(req, deps, route.provider, route.atRoot);
    if (!ctx) return false; // unknown provider or no proxy-mode server: not served (direct mode has no facade)
    const method = req.method ?? "GET";
    const cors = route.endpoint === "metadata" || route.endpoint === "token" || route.endpoint === "register";
    if (!ALLOWED[route.endpoint].includes(method)) {
      sendJson(res, 405, oauthErrorBody("invalid_request", `${method} is not allowed here`), {
        allow: ALLOWED[route.endpoint].join(", "),
        ...(cors ? CORS_HEADERS : {}),
      });
      return true;
    }
    if (method === "OPTIONS") {
      sendPreflight(res);
      return true;
    }
    rctx.outcome = `oauth:${route.endpoint}`;
    try {
      switch (route.endpoint) {
        case "metadata": {
          const meta = await providerMetadata(ctx.provider, deps);
          // Built from the request's public base: shared caches must key it by what picks that base.
          sendJson(res, 200, buildFacadeMetadata(ctx, meta), {
            ...CORS_HEADERS,
            "cache-control": "public, max-age=300",
            vary: PUBLIC_BASE_VARY,
          });
          break;
        }
        case "authorize":
          await (method === "POST"
            ? handleConsent(req, res, ctx, deps)
            : handleAuthorize(req, res, rctx.url, ctx, deps));
          break;
        case "callback":
          await handleCallback(req, res, rctx.url, ctx, deps);
          break;
        case "token":
          await handleToken(req, res, ctx, deps);
          break;
        case "register":
          await handleRegister(req, res, ctx, deps);
          break;
      }
      if (ctx.refusal) rctx.outcome = `oauth:${route.endpoint}:${ctx.refusal}`;
    } catch (e) {
      if (res.headersSent) {
        res.destroy();
        return true;
      }
      // The facade keeps its flows in the database: during an outage, a retryable 503 instead of a 500.
      const err =
        e instanceof OAuthError
          ? e
          : isDatabaseUnavailable(e)
            ? new TemporarilyUnavailable("the gateway cannot reach its database; try again shortly", 5)
            : new ServerError("internal error");
      if (!(e instanceof OAuthError))
        deps.logger.error({ err: e, provider: route.provider, endpoint: route.endpoint }, "oauth facade error");
      rctx.outcome = `oauth:${route.endpoint}:${err.error}${err.reason ? `:${err.reason}` : ""}`;
      sendError(res, err, cors ? CORS_HEADERS : {});
    }
    return true;
  };
}

/** Authorization-server facade routes, wired into the gateway pipeline. */
export function createOAuthFacadeHandler(runtime: Runtime): GatewayHandler {
  const store = createOAuthRepo(runtime.db);
  const lifecycle = createClientLifecycleRepo(runtime.db);
  const deps: FacadeDeps = {
    store,
    lifecycle,
    cimd: createCimdResolver({
      privateHosts: parsePrivateHosts(runtime.env.PORTCULLIS_CIMD_PRIVATE_HOSTS),
      now: Date.now,
    }),
    config: () => runtime.config.current(),
    secrets: runtime.secrets,
    providerDeps: { env: runtime.env },
    publicUrl: runtime.env.PUBLIC_URL,
    trustedProxies: runtime.trustedProxies,
    logger: runtime.logger,
    limits: DEFAULT_LIMITS,
    registrations: runtime.rateLimits.registrations,
    authorizeByAddress: runtime.rateLimits.authorizeByAddress,
    authorizeByClient: runtime.rateLimits.authorizeByClient,
    now: Date.now,
  };
  return createFacadeHandler(deps);
}
