/**
 * The one adapter every /api route handler goes through: it awaits the route
 * params, runs the handler, serialises the result as JSON (no-store) and turns
 * any thrown AppError / ZodError into the API's error body
 * `{"error": {"code", "message", "fields"}}`.
 *
 *   export const GET = apiHandler(async (req, { name }) => getRuntime().repos.config.getServer(name));
 *   export const POST = apiHandler(async (req) => create(await readJson(req, serverSchema, "server")), { status: 201 });
 *
 * Errors are matched by shape, not `instanceof`: Next bundles its own copy of
 * lib/errors.ts, so an AppError thrown by the runtime (loaded by server.ts) is
 * a different class from the one this file imports.
 */
import type { z } from "zod";
import { AppError, errorStatus, type AppErrorCode, type FieldError } from "@/lib/errors";
import { parseOrThrow, zodFieldErrors, validationError } from "@/lib/config/field-errors";
import { getRuntime } from "@/lib/runtime/global";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "@/lib/db/unavailable";

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

/** The API error body for any thrown value; unknown errors are logged, never leaked. */
export function errorResponse(e: unknown): Response {
  const { status, body } = errorBody(e);
  if (status >= 500 && !isAppErrorLike(e)) {
    try {
      getRuntime().logger.error({ err: e }, "unhandled error in API route");
    } catch {
      /* no runtime: nothing to log to */
    }
  }
  return Response.json(body, { status, headers: NO_STORE });
}

export function errorBody(e: unknown): {
  status: number;
  body: { error: { code: string; message: string; fields?: FieldError[] } };
} {
  if (isAppErrorLike(e)) {
    const code = e.code as AppErrorCode;
    return {
      status: errorStatus[code],
      body: { error: { code, message: e.message, ...(e.fields?.length ? { fields: e.fields } : {}) } },
    };
  }
  if (isZodErrorLike(e)) return errorBody(validationError(zodFieldErrors(e as z.ZodError), "request"));
  if (isDatabaseUnavailable(e)) return errorBody(new AppError("storage_unavailable", DATABASE_UNAVAILABLE_MESSAGE));
  if (e instanceof SyntaxError) return errorBody(new AppError("bad_request", "request body is not valid JSON"));
  return { status: 500, body: { error: { code: "internal", message: "Internal error" } } };
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
    throw new AppError("bad_request", "request body is not valid JSON");
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

function isAppErrorLike(e: unknown): e is { code: string; message: string; fields?: FieldError[] } {
  if (!e || typeof e !== "object") return false;
  const o = e as { name?: unknown; code?: unknown; message?: unknown; status?: unknown };
  // AppError or a subclass (ServerLookupError…), from either module copy.
  const appErrorish = e instanceof AppError || o.name === "AppError" || typeof o.status === "number";
  return (
    appErrorish && typeof o.code === "string" && Object.hasOwn(errorStatus, o.code) && typeof o.message === "string"
  );
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
