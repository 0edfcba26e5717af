/**
 * Typed outbound-fetch errors. Callers narrow on `code` (a closed union, like
 * jose's ERR_* codes); the message always names the URL so an admin reading a
 * diagnosis knows which configured endpoint failed.
 */
export const fetchErrorCodes = [
  "fetch_invalid_url",
  "fetch_blocked_address",
  "fetch_dns",
  "fetch_redirect_cross_origin",
  "fetch_too_many_redirects",
  "fetch_timeout",
  "fetch_aborted",
  "fetch_too_large",
  "fetch_http_status",
  "fetch_content_type",
  "fetch_invalid_json",
  "fetch_network",
] as const;
export type FetchErrorCode = (typeof fetchErrorCodes)[number];

export class FetchError extends Error {
  readonly code: FetchErrorCode;
  /** The URL of the hop that failed (credentials removed). */
  readonly url: string;
  /** HTTP status, for `fetch_http_status`. */
  readonly status?: number;
  /** The offending resolved address, for `fetch_blocked_address`. */
  readonly address?: string;

  constructor(
    code: FetchErrorCode,
    url: string | URL,
    detail: string,
    options?: { status?: number; address?: string; cause?: unknown },
  ) {
    const shown = displayUrl(url);
    super(`${shown}: ${detail}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "FetchError";
    this.code = code;
    this.url = shown;
    this.status = options?.status;
    this.address = options?.address;
  }

  toJSON() {
    return { code: this.code, message: this.message, url: this.url, status: this.status, address: this.address };
  }
}

export const isFetchError = (e: unknown): e is FetchError => e instanceof FetchError;

/** A URL as shown in messages and logs: never with userinfo. */
export function displayUrl(url: string | URL): string {
  try {
    const u = new URL(String(url));
    u.username = "";
    u.password = "";
    return u.href;
  } catch {
    return String(url).slice(0, 200);
  }
}
