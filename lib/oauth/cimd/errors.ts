/**
 * Why a client ID metadata document could not be used: a closed set of codes
 * (like lib/net's fetch errors), each with a message that names the URL and
 * says what to change. /authorize shows it on an error page (never a redirect:
 * the redirect URI is not trusted yet); /token answers `invalid_client`.
 */
export const cimdErrorCodes = [
  "cimd_disabled",
  "cimd_domain_not_allowed",
  "cimd_invalid_url",
  "cimd_fetch_failed",
  "cimd_invalid_document",
  "cimd_client_id_mismatch",
  "cimd_redirect_uri_not_listed",
  "cimd_unsupported_client",
] as const;
export type CimdErrorCode = (typeof cimdErrorCodes)[number];

export class CimdError extends Error {
  constructor(
    readonly code: CimdErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "CimdError";
  }
}
