/**
 * Errors the MCP path answers itself (not token rejections, which carry an
 * OAuth challenge: see challenge.ts). Each code has one status and renders
 * the documented body `{"error": "...", "error_description": "..."}` (docs/architecture.md).
 */
import { AppError, oauthErrorBody } from "../errors";

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

export class ProxyError extends AppError<ProxyErrorCode> {
  constructor(code: ProxyErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = "ProxyError";
  }
  override get status(): number {
    return proxyErrorStatus[this.code];
  }
  override toJSON() {
    return oauthErrorBody(this.code, this.message);
  }
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
