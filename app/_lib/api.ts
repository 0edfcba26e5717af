/**
 * The console's fetch wrapper: JSON in, JSON out, same-origin cookies, and API
 * errors (`{"error": {"code", "message", "fields"}}`) turned into a typed
 * ApiError that forms can map back onto their fields.
 */
export type FieldError = { path: string; message: string };

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly fields: FieldError[];
  constructor(status: number, code: string, message: string, fields: FieldError[] = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.fields = fields;
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;

type Init = { method?: string; body?: unknown; signal?: AbortSignal; text?: boolean };

async function request(path: string, init: Init = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: "application/json" };
  let body: BodyInit | undefined;
  if (init.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.body);
  }
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (body ? "POST" : "GET"),
      headers,
      body,
      signal: init.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch (e) {
    if ((e as Error).name === "AbortError") throw e;
    throw new ApiError(0, "network", "Cannot reach the gateway. Is it running?");
  }
  if (res.status === 401 && typeof window !== "undefined" && !path.startsWith("/api/auth/")) {
    // Session expired: back to sign-in, then here again.
    window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname + window.location.search)}`);
  }
  if (!res.ok) throw await toApiError(res);
  return res;
}

export async function toApiError(res: Response): Promise<ApiError> {
  let code = "http_" + res.status;
  let message = `${res.status} ${res.statusText || "request failed"}`;
  let fields: FieldError[] = [];
  try {
    const j = (await res.json()) as {
      error?: { code?: string; message?: string; fields?: FieldError[] } | string;
      error_description?: string;
    };
    if (j && typeof j.error === "object") {
      code = j.error.code ?? code;
      message = j.error.message ?? message;
      fields = Array.isArray(j.error.fields) ? j.error.fields : [];
    } else if (typeof j?.error === "string") {
      code = j.error;
      message = j.error_description ?? j.error;
    }
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, code, message, fields);
}

export async function api<T>(path: string, init: Init = {}): Promise<T> {
  const res = await request(path, init);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

export async function apiText(path: string, init: Init = {}): Promise<string> {
  const res = await request(path, init);
  return res.text();
}

/** Field errors keyed by path (`oauth.provider`), for forms. */
export function fieldErrorMap(e: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isApiError(e)) for (const f of e.fields) out[f.path] ??= f.message;
  return out;
}

export { errorMessage } from "../../lib/errors";
