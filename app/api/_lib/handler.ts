/**
 * The one adapter every /api route handler goes through: it awaits the route
 * params, runs the handler, serialises the result as JSON (no-store) and turns
 * any thrown AppError / ZodError into the API's error body
 * `{"error": {"code", "message", "fields"}}`.
 *
 *   export const GET = apiHandler(async (req, { name }) => getRuntime().repos.config.getServer(name));
 *   export const POST = apiHandler(async (req) => create(await readJson(req, serverSchema, "server")), { status: 201 });
 *
 * Errors are matched with `isAppError`, not `instanceof`: Next bundles its own
 * copy of lib/errors.ts, so an AppError thrown by the runtime (loaded by
 * server.ts) is a different class from the one this file imports.
 */
import type { z } from "zod";
import { AppError, errorResponse as toErrorResponse, invalidJsonBody, isAppError } from "@/lib/errors";
import { parseOrThrow, zodFieldErrors, validationError } from "@/lib/config/field-errors";
import { getRuntime } from "@/lib/runtime/global";

const ACTOR_HEADER = "x-portcullis-actor";
const NO_STORE = { "cache-control": "no-store" };

type Params = Record<string, string | string[] | undefined>;
type RouteContext<P> = { params: Promise<P> };
type Handler<P> = (request: Request, params: P) => unknown;

export function apiHandler<P extends Params = Params>(fn: Handler<P>, opts: { status?: number } = {}) {
  return async function route(request: Request, context: RouteContext<P>): Promise<Response> {
    try {
      const params = ((await context?.params) ?? {}) as P;
      const out = await fn(request, params);
      if (out instanceof Response) return out;
      if (out === undefined || out === null) return new Response(null, { status: 204, headers: NO_STORE });
      return Response.json(out, { status: opts.status ?? 200, headers: NO_STORE });
    } catch (e) {
      return errorResponse(e);
    }
  };
}

/** The API error response for any thrown value (lib/errors.ts); unknown errors are logged, never leaked. */
export function errorResponse(e: unknown): Response {
  const { status, body, headers } = toErrorResponse(asAppError(e));
  if (status >= 500 && !isAppError(e)) {
    try {
      getRuntime().logger.error({ err: e }, "unhandled error in API route");
    } catch {
      /* no runtime: nothing to log to */
    }
  }
  return Response.json(body, { status, headers: { ...headers, ...NO_STORE } });
}

/** What a route's own validation or parsing threw, as the AppError it means. */
function asAppError(e: unknown): unknown {
  if (isZodErrorLike(e)) return validationError(zodFieldErrors(e as z.ZodError), "request");
  if (e instanceof SyntaxError) return invalidJsonBody();
  return e;
}

/** The admin the gateway's guard authenticated (it always sets this header on /api). */
export function actorOf(request: Request): string {
  const actor = request.headers.get(ACTOR_HEADER);
  if (!actor) throw new AppError("unauthorized", "admin authentication required");
  return actor;
}

/** Reads a JSON body (capped) and validates it with a shared zod schema; errors name each field. */
export async function readJson<S extends z.ZodType>(
  request: Request,
  schema: S,
  what = "request",
  limit = 1024 * 1024,
): Promise<z.output<S>> {
  const text = await request.text();
  if (text.length > limit) throw new AppError("payload_too_large", `request body exceeds ${limit} bytes`);
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw invalidJsonBody();
  }
  return parseOrThrow(schema, data, what);
}

/** A single route param (Next gives string | string[] for catch-alls). */
export function param(params: Params, key: string): string {
  const v = params[key];
  const s = Array.isArray(v) ? v.join("/") : v;
  if (!s) throw new AppError("bad_request", `missing route parameter ${key}`);
  return s;
}

function isZodErrorLike(e: unknown): boolean {
  return (
    !!e &&
    typeof e === "object" &&
    (e as { name?: unknown }).name === "ZodError" &&
    Array.isArray((e as { issues?: unknown }).issues)
  );
}

export { getRuntime };
