/**
 * The error vocabulary. Every error the gateway answers itself is an AppError: a stable `code`
 * (for scripts and the console), a human `message`, an HTTP `status`, optional headers, and its
 * wire body (`toJSON`). AppError renders the admin API's shape; ProxyError, OAuthError and
 * McpRefusal are subclasses that render theirs. The three wire bodies are built here, once each.
 */
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./db/unavailable";

export type FieldError = { path: string; message: string };

const errorStatus = {
  validation_failed: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  bad_origin: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  /** The identity provider refused or failed a call the gateway made (client clean-up). */
  idp_unavailable: 502,
  not_ready: 503,
  /** The data directory, SQLite file or PostgreSQL server cannot be used (at startup, or by the CLI). */
  storage_unavailable: 503,
  /** The server cannot listen on HOST:PORT (startup only). */
  listen_failed: 500,
} as const;

export type AppErrorCode = keyof typeof errorStatus;

/** The admin API's error body (docs/api.md): `{"error": {"code", "message", "fields"?}}`. */
export type ApiErrorBody = { error: { code: string; message: string; fields?: FieldError[] } };

export const apiErrorBody = (code: string, message: string, fields?: FieldError[]): ApiErrorBody => ({
  error: { code, message, ...(fields?.length ? { fields } : {}) },
});

/** The OAuth error body (RFC 6749 §5.2, RFC 6750 §3), also used by the MCP path and forward-auth. */
export type OAuthErrorBody = { error: string; error_description: string };

export const oauthErrorBody = (error: string, description: string): OAuthErrorBody => ({
  error,
  error_description: description,
});

/** A JSON-RPC 2.0 error response (the MCP operation gate's refusals). */
export const jsonRpcErrorBody = (
  id: string | number | null,
  code: number,
  message: string,
  data?: Record<string, unknown>,
) => ({
  jsonrpc: "2.0" as const,
  id,
  error: { code, message, ...(data ? { data } : {}) },
});

/** Marks AppErrors, subclasses included, made by any copy of this module (Next bundles its own). */
const APP_ERROR = Symbol.for("portcullis.app-error");

export class AppError<C extends string = AppErrorCode> extends Error {
  readonly code: C;
  readonly fields?: FieldError[];
  /** Sent with the error's response (a challenge, `retry-after`, …). */
  readonly headers?: Record<string, string>;
  /** `NoInfer`: `new AppError("…")` is checked against AppErrorCode; subclasses name their own codes. */
  constructor(
    code: NoInfer<C>,
    message: string,
    options?: { fields?: FieldError[]; headers?: Record<string, string>; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    if (options?.fields) this.fields = options.fields;
    if (options?.headers) this.headers = options.headers;
  }
  get status(): number {
    return errorStatus[this.code as unknown as AppErrorCode];
  }
  /** The error's wire body; subclasses render their own protocol's shape. */
  toJSON(): unknown {
    return apiErrorBody(this.code, this.message, this.fields);
  }
}
Object.defineProperty(AppError.prototype, APP_ERROR, { value: true });

/** The message of a thrown value, whatever was thrown. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The one guard: an AppError or a subclass, from this copy of the module or Next's. */
export function isAppError(e: unknown): e is AppError<string> {
  return (
    e instanceof AppError || (typeof e === "object" && e !== null && (e as Record<symbol, unknown>)[APP_ERROR] === true)
  );
}

/** A JSON request body that does not parse. */
export const invalidJsonBody = () => new AppError("bad_request", "request body is not valid JSON");

/**
 * Any thrown value as a response: an AppError renders itself; a database outage is a 503; anything
 * else is a 500 that never leaks internals (callers log it).
 */
export function errorResponse(e: unknown): { status: number; body: unknown; headers?: Record<string, string> } {
  if (isAppError(e)) return { status: e.status, body: e.toJSON(), headers: e.headers };
  if (isDatabaseUnavailable(e))
    return { status: 503, body: apiErrorBody("storage_unavailable", DATABASE_UNAVAILABLE_MESSAGE) };
  return { status: 500, body: apiErrorBody("internal", "Internal error") };
}
