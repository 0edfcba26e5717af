/**
 * The one builder of `WWW-Authenticate` (RFC 6750 §3, RFC 9728 §5.1) and of
 * the JSON body of token rejections. Every quoted value is escaped; the
 * error_description is reduced to RFC 6750's charset so a header can never
 * be broken by what we put in it.
 */
import type { ServerResponse } from "node:http";
import { oauthErrorBody, type OAuthErrorBody } from "../errors";
import { sendJson } from "../http/respond";

export type BearerChallenge = {
  resourceMetadata: string;
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
  errorDescription?: string;
  /** Space-delimited scopes (array joined with spaces). */
  scope?: string | readonly string[];
};

/** RFC 7230 quoted-string: escape `\` and `"`; drop controls (CR/LF would split the header). */
export function quote(value: string): string {
  return `"${value.replace(/[\x00-\x1f\x7f]/g, "").replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** RFC 6750 §3: error_description is %x20-21 / %x23-5B / %x5D-7E. Anything else becomes a space. */
export const safeDescription = (s: string) => s.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, " ").slice(0, 300);

export function buildWwwAuthenticate(c: BearerChallenge): string {
  const parts = [`resource_metadata=${quote(c.resourceMetadata)}`];
  if (c.error) parts.push(`error=${quote(c.error)}`);
  if (c.error && c.errorDescription) parts.push(`error_description=${quote(safeDescription(c.errorDescription))}`);
  const scope = typeof c.scope === "string" ? c.scope : c.scope?.join(" ");
  if (scope) parts.push(`scope=${quote(scope)}`);
  return `Bearer ${parts.join(", ")}`;
}

/** Body of a 401/403 on the MCP path. A missing token gets a generic `unauthorized`. */
export function rejectionBody(c: Pick<BearerChallenge, "error" | "errorDescription">): OAuthErrorBody {
  return c.error
    ? oauthErrorBody(c.error, safeDescription(c.errorDescription ?? "The access token is invalid"))
    : oauthErrorBody("unauthorized", "An access token is required");
}

/** Answers a token rejection or scope challenge: the status, the `WWW-Authenticate` header and its body. */
export function sendBearerChallenge(
  res: ServerResponse,
  status: 401 | 403,
  c: BearerChallenge,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, rejectionBody(c), { "www-authenticate": buildWwwAuthenticate(c), ...headers });
}
