/**
 * OAuth errors that render themselves (RFC 6749 §5.2 / RFC 7591 §3.2.2): each
 * class knows its `error` code and HTTP status. The facade throws them from any
 * step; the handler renders JSON for the token and registration endpoints, and
 * the authorize/callback steps decide between an error page and a redirect.
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "../http/respond";

export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "unsupported_response_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "slow_down";

/**
 * Why a facade step refused, more precisely than the RFC 6749 code: stable, for the access log
 * (`outcome`), the warning logs and tests. Never sent to clients.
 */
export type FacadeReason =
  | "address_rate_limited"
  | "client_rate_limited"
  | "client_flows_full"
  | "consent_tickets_full"
  | "idp_flows_full"
  | "idp_callback_mismatch"
  | "browser_mismatch"
  | "code_unknown"
  | "redirect_uri_mismatch"
  | "pkce_mismatch"
  | "resource_unknown"
  | "resource_not_authorized"
  | "refresh_token_unknown"
  | "refresh_token_other_client"
  | "scope_not_granted"
  | "client_document";

export class OAuthError extends Error {
  reason?: FacadeReason;
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status = 400,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.name = "OAuthError";
  }
  /** Tags the error with the step's stable reason (returns this, for `throw new X(…).because(…)`). */
  because(reason: FacadeReason): this {
    this.reason = reason;
    return this;
  }
  toBody(): { error: string; error_description: string } {
    return { error: this.error, error_description: this.description };
  }
  /** Writes the RFC 6749 JSON error response. */
  render(res: ServerResponse, extraHeaders: Record<string, string> = {}) {
    sendJson(res, this.status, this.toBody(), { pragma: "no-cache", ...this.headers, ...extraHeaders });
  }
}

/** A subclass per plain error code, so call sites read `throw new InvalidGrant("…")`. */
function codeError(code: OAuthErrorCode, status: number) {
  return class extends OAuthError {
    constructor(d: string) {
      super(code, d, status);
    }
  };
}

export const InvalidRequest = codeError("invalid_request", 400);
export const InvalidGrant = codeError("invalid_grant", 400);
export const UnsupportedGrantType = codeError("unsupported_grant_type", 400);
export const UnsupportedResponseType = codeError("unsupported_response_type", 400);
export const InvalidScope = codeError("invalid_scope", 400);
export const InvalidTarget = codeError("invalid_target", 400);

/** 401 with a Basic challenge when the client tried HTTP Basic (RFC 6749 §5.2). */
export class InvalidClient extends OAuthError {
  constructor(d: string, basic = false) {
    super("invalid_client", d, 401, basic ? { "www-authenticate": 'Basic realm="portcullis"' } : {});
  }
}
export class ServerError extends OAuthError {
  constructor(d: string, status = 500) {
    super("server_error", d, status);
  }
}
export class TemporarilyUnavailable extends OAuthError {
  constructor(d: string, retryAfterSeconds?: number) {
    super("temporarily_unavailable", d, 503, retryAfterSeconds ? { "retry-after": String(retryAfterSeconds) } : {});
  }
}
/** Rate limits: RFC 6749 has no code for them; `slow_down` with 429 is what clients understand best. */
export class SlowDown extends OAuthError {
  constructor(d: string, retryAfterSeconds = 60) {
    super("slow_down", d, 429, { "retry-after": String(retryAfterSeconds) });
  }
}
export class InvalidRedirectUri extends OAuthError {
  constructor(d: string) {
    super("invalid_redirect_uri", d, 400);
  }
}
export class InvalidClientMetadata extends OAuthError {
  constructor(d: string) {
    super("invalid_client_metadata", d, 400);
  }
}

export const isOAuthError = (e: unknown): e is OAuthError => e instanceof OAuthError;

/** An error shown on a page instead of a redirect: no client redirect URI can be trusted, or none is safe. */
export class PageError extends Error {
  constructor(
    readonly title: string,
    message: string,
    readonly status = 400,
    readonly reason?: FacadeReason,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "PageError";
  }
}
