/**
 * Typed application errors. Every error a user can see has a stable `code`
 * (for scripts and the console), a human `message`, and optionally the
 * offending fields by path. One table maps codes to HTTP statuses.
 */
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseUnavailable } from "./db/unavailable";

export type FieldError = { path: string; message: string };

export const errorStatus = {
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

export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly fields?: FieldError[];
  constructor(code: AppErrorCode, message: string, options?: { fields?: FieldError[]; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.fields = options?.fields;
  }
  get status(): number {
    return errorStatus[this.code];
  }
  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) } };
  }
}

/** The message of a thrown value, whatever was thrown. */
export const errorMessage = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * Matched by shape, not only `instanceof`: Next bundles its own copy of this
 * module, so an AppError thrown by the runtime (loaded by server.ts) is another class there.
 */
export function isAppError(e: unknown): e is AppError {
  if (e instanceof AppError) return true;
  const o = e as { name?: unknown; code?: unknown; message?: unknown } | null;
  return (
    !!o &&
    typeof o === "object" &&
    o.name === "AppError" &&
    typeof o.code === "string" &&
    o.code in errorStatus &&
    typeof o.message === "string"
  );
}

/** Turns any thrown value into the API's error body; unknown errors never leak internals. */
export function toErrorBody(e: unknown): { status: number; body: ReturnType<AppError["toJSON"]> } {
  if (isAppError(e)) return { status: e.status, body: e.toJSON() };
  if (isDatabaseUnavailable(e))
    return { status: 503, body: { error: { code: "storage_unavailable", message: DATABASE_UNAVAILABLE_MESSAGE } } };
  return { status: 500, body: { error: { code: "internal", message: "Internal error" } } };
}
