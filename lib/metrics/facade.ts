/**
 * Counts the OAuth facade's steps (`portcullis_oauth_flows_total`) from what
 * the facade answered: the step from the route (a POST to authorize is the
 * consent form), the outcome from the response: `ok`, or the OAuth error code
 * it rendered or redirected with. Metadata requests, preflights and refused
 * methods are not flow steps.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayHandler, RequestContext } from "../http/types";
import { matchFacadeRoute } from "../oauth/handler";
import type { Metrics, OAuthStep } from "./metrics";

export function observeFacade(inner: GatewayHandler, metrics: Metrics | undefined): GatewayHandler {
  if (!metrics) return inner;
  return async (req, res, ctx) => {
    const handled = await inner(req, res, ctx);
    if (handled) record(metrics, req, res, ctx);
    return handled;
  };
}

function record(metrics: Metrics, req: IncomingMessage, res: ServerResponse, ctx: RequestContext) {
  const route = matchFacadeRoute(ctx.url.pathname);
  if (!route || route.endpoint === "metadata" || !ctx.outcome?.startsWith("oauth:")) return;
  const step: OAuthStep = route.endpoint === "authorize" && req.method === "POST" ? "consent" : route.endpoint;
  metrics.oauthStep(route.provider, step, outcomeOf(res, ctx.outcome));
}

/** `oauth:<endpoint>:<error>` when the facade rendered an error; a redirect carrying `error=`; else by status. */
function outcomeOf(res: ServerResponse, outcome: string): string {
  const rendered = outcome.split(":")[2];
  if (rendered) return rendered;
  const location = res.getHeader("location");
  if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === "string") {
    try {
      const error = new URL(location).searchParams.get("error");
      if (error) return error;
    } catch {
      /* not an absolute URL: no error to read */
    }
  }
  return res.statusCode >= 400 ? "error" : "ok";
}
