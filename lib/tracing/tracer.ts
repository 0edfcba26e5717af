/**
 * The gateway's spans (docs/observability.md). Every hook checks `tracer`
 * first: it is set only when setup.ts started an OpenTelemetry SDK, so with
 * no OTLP endpoint configured the request path runs no tracing code at all
 * (not even the API's no-op tracer). With an SDK, spans nest through the
 * SDK's AsyncLocalStorage context: the request span is active while its
 * handlers run, and so parents the steps below it, down to the IdP calls.
 */
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type Tracer,
} from "@opentelemetry/api";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";

let tracer: Tracer | undefined;

/** Called once by setup.ts when an SDK is registered. */
export function useTracer(t: Tracer | undefined): void {
  tracer = t;
}

export const tracingOn = (): boolean => tracer !== undefined;

/** Runs `fn` inside a new span (a child of the active one); ends it when `fn` settles, marking errors. */
export async function inSpan<T>(
  name: string,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  kind: SpanKind = SpanKind.INTERNAL,
): Promise<T> {
  if (!tracer) return fn(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: (e as Error)?.message });
      throw e;
    } finally {
      span.end();
    }
  });
}

/**
 * One incoming request as a SERVER span, child of the caller's `traceparent`; `run` (the gateway's
 * dispatch) runs with it active. Named and finished when the response closes, from what the
 * handlers recorded (route, server, outcome).
 */
export function traceRequest<C extends { serverName?: string; outcome?: string; route?: string }>(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: C,
  path: string,
  run: (req: IncomingMessage, res: ServerResponse, ctx: C) => void,
): void {
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const method = req.method ?? "GET";
  const span = tracer!.startSpan(
    method,
    { kind: SpanKind.SERVER, attributes: { "http.request.method": method, "url.path": path } },
    parent,
  );
  res.on("close", () => {
    // A virtual server's path is configuration, so a bounded span name; other paths are named by their handler.
    const route = ctx.route ?? (ctx.serverName ? path : undefined);
    if (route) span.updateName(`${method} ${route}`);
    span.setAttributes({
      "http.response.status_code": res.statusCode,
      ...(route ? { "http.route": route } : {}),
      ...(ctx.serverName ? { "portcullis.server": ctx.serverName } : {}),
      ...(ctx.outcome ? { "portcullis.outcome": ctx.outcome } : {}),
    });
    if (res.statusCode >= 500 || !res.writableFinished) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), run, undefined, req, res, ctx);
}

/**
 * A CLIENT span for one exchange with an upstream, whose context replaces the client's
 * `traceparent`/`tracestate` in the upstream request headers. Returns the function that ends it.
 */
export function startForwardSpan(
  upstream: { host: string; hostname: string; port: string },
  path: string,
  headers: OutgoingHttpHeaders,
): (status: number, error?: string) => void {
  const span = tracer!.startSpan("portcullis.forward", {
    kind: SpanKind.CLIENT,
    attributes: {
      "server.address": upstream.hostname,
      "server.port": Number(upstream.port),
      "url.path": path.split("?")[0],
    },
  });
  delete headers.traceparent;
  delete headers.tracestate;
  propagation.inject(trace.setSpan(context.active(), span), headers);
  return (status, error) => {
    span.setAttribute("http.response.status_code", status);
    if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
    span.end();
  };
}

/** An outbound call's CLIENT span (IdP, JWKS, discovery), its context injected into `headers`. */
export function clientSpan<T extends { status: number }>(
  method: string,
  url: URL,
  headers: Record<string, string>,
  fn: (headers: Record<string, string>) => Promise<T>,
): Promise<T> {
  const attributes = {
    "http.request.method": method,
    // Without the query: a client-supplied URL may carry anything there.
    "url.full": `${url.origin}${url.pathname}`,
    "server.address": url.hostname,
    "server.port": Number(url.port || (url.protocol === "https:" ? 443 : 80)),
  };
  return inSpan(
    method,
    attributes,
    async (span) => {
      const carrier = { ...headers };
      propagation.inject(context.active(), carrier);
      const res = await fn(carrier);
      span.setAttribute("http.response.status_code", res.status);
      if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return res;
    },
    SpanKind.CLIENT,
  );
}
