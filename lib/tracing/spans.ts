/**
 * Tracing decorators around the gateway's seams (token service, forwarder,
 * OAuth facade, JWKS fetcher). Each returns what it was given when no SDK
 * runs (tracer.ts), so they cost nothing then.
 */
import { SpanStatusCode } from "@opentelemetry/api";
import type { GatewayHandler } from "../http/types";
import { matchFacadeRoute } from "../oauth/handler";
import type { Forwarder } from "../proxy/upstream";
import { defaultJwksFetcher, type JwksFetcher } from "../tokens/jwks-cache";
import type { TokenService } from "../tokens/token-service";
import { inSpan, startForwardSpan, tracingOn } from "./tracer";

/** `portcullis.token.verify`: a token through the verification pipeline (cache misses; hits need no work). */
export function traceTokenService(tokens: TokenService): TokenService {
  if (!tracingOn()) return tokens;
  return {
    ...tokens,
    verify: (token, target) =>
      inSpan(
        "portcullis.token.verify",
        { "portcullis.server": target.server.name, "portcullis.provider": target.provider.name },
        async (span) => {
          const d = await tokens.verify(token, target);
          span.setAttributes({
            "portcullis.token.verdict": d.verdict,
            "portcullis.token.cached": (d as { cached?: boolean }).cached === true,
            ...(d.failed ? { "portcullis.token.code": d.failed.code } : {}),
          });
          return d;
        },
      ),
  };
}

/** `portcullis.forward`: the exchange with the upstream, which gets this span as its parent. */
export function traceForwarder(forwarder: Forwarder): Forwarder {
  if (!tracingOn()) return forwarder;
  return {
    ...forwarder,
    forward(req, res, o) {
      const end = startForwardSpan(o.target, o.path, o.headers);
      let failure: string | undefined;
      res.on("close", () => end(res.statusCode, failure ?? (res.writableFinished ? undefined : "aborted")));
      forwarder.forward(req, res, {
        ...o,
        onError: (e) => {
          failure = e.code;
          o.onError?.(e);
        },
      });
    },
  };
}

/** `portcullis.oauth.<step>` around each facade request (IdP calls nest below). */
export function traceFacade(inner: GatewayHandler): GatewayHandler {
  if (!tracingOn()) return inner;
  return (req, res, ctx) => {
    const route = matchFacadeRoute(ctx.url.pathname);
    if (!route) return inner(req, res, ctx);
    const step = route.endpoint === "authorize" && req.method === "POST" ? "consent" : route.endpoint;
    ctx.route = route.endpoint === "metadata" ? ctx.url.pathname : `/oauth/{provider}/${route.endpoint}`;
    return inSpan(
      `portcullis.oauth.${step}`,
      { "portcullis.provider": route.provider, "portcullis.oauth.step": step },
      async (span) => {
        const handled = await inner(req, res, ctx);
        span.setAttributes({
          "http.response.status_code": res.statusCode,
          ...(ctx.outcome ? { "portcullis.outcome": ctx.outcome } : {}),
        });
        if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
        return handled;
      },
    );
  };
}

/** `portcullis.jwks.fetch`: one JWKS download (its HTTP call nests below). */
export const tracedJwksFetcher =
  (fetcher: JwksFetcher = defaultJwksFetcher): JwksFetcher =>
  (url) =>
    tracingOn() ? inSpan("portcullis.jwks.fetch", { "url.full": url }, () => fetcher(url)) : fetcher(url);
