/**
 * Errors the MCP path answers itself (not token rejections, which carry an
 * OAuth challenge: see challenge.ts). Each code has one status and renders
 * the documented body `{"error": "...", "error_description": "..."}` (docs/architecture.md).
 */
import type { ServerResponse } from "node:http";
import { AppError } from "../errors";

export const proxyErrorStatus = {
  /** `?access_token=` (RFC 6750 §2.3) is refused: URLs end up in logs and Referer headers. */
  invalid_request: 400,
  /** Browser Origin not allowed for this server (DNS-rebinding protection, MCP spec). */
  forbidden_origin: 403,
  method_not_allowed: 405,
  payload_too_large: 413,
  upstream_unavailable: 502,
  /** The outbound address policy refuses the upstream's address (link-local, metadata, or private when blocked). */
  upstream_blocked: 502,
  /** `auth: oauth`: the upstream answered with its own authorization challenge, which is never relayed. */
  upstream_refused: 502,
  upstream_timeout: 504,
} as const;

export type ProxyErrorCode = keyof typeof proxyErrorStatus;

export class ProxyError extends Error {
  readonly code: ProxyErrorCode;
  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ProxyError";
    this.code = code;
  }
  get status(): number {
    return proxyErrorStatus[this.code];
  }
  toJSON() {
    return { error: this.code, error_description: this.message };
  }
}

/** Writes an MCP-path JSON error (no-op once headers are out: the caller destroys the socket then). */
export function sendProxyError(
  res: ServerResponse,
  e: ProxyError,
  headers: Record<string, string | string[]> = {},
): void {
  if (res.headersSent) return;
  const body = JSON.stringify(e.toJSON());
  res.writeHead(e.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(body);
}

/** Why the token service cannot verify for a server (inspector/CLI callers switch on `reason`). */
export type ServerLookupReason = "server_not_found" | "server_not_oauth" | "provider_not_found";

export class ServerLookupError extends AppError {
  readonly reason: ServerLookupReason;
  constructor(reason: ServerLookupReason, message: string) {
    super(reason === "server_not_oauth" ? "bad_request" : "not_found", message);
    this.name = "ServerLookupError";
    this.reason = reason;
  }
}
