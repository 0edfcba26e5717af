/**
 * Step 1 — the token is a compact JWS with JSON header and claims. JWEs and
 * opaque tokens are named as such: both are common IdP misconfigurations
 * (Auth0 without an `audience`, for instance, issues a JWE/opaque token).
 */
import { decodeJws } from "../decode";
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

export function checkFormat(ctx: CheckContext): Check {
  const r = decodeJws(ctx.token);
  if (r.ok) {
    ctx.header = r.decoded.header;
    ctx.claims = r.decoded.claims;
    return pass("format", "compact JWS with a JSON header and claims");
  }
  if (r.kind === "encrypted") {
    return fail(
      "format",
      "token_encrypted",
      "this is an encrypted token (JWE); the gateway can only verify signed JWT access tokens",
      {
        actual: "JWE",
        expected: "JWS (3 parts)",
        hint: "Configure the IdP to issue signed (not encrypted) JWT access tokens for this API. Auth0 issues JWE/opaque tokens when the authorize request names no API `audience`.",
      },
    );
  }
  ctx.header = r.header;
  return fail("format", "token_malformed", `the token is not a valid JWT: ${r.reason}`, {
    expected: "header.payload.signature (base64url JSON)",
    hint: r.reason.includes("opaque")
      ? "The IdP issued an opaque access token. The gateway needs JWT access tokens (RFC 9068); enable them in the IdP, or for Auth0 request an API audience."
      : "Make sure the client sends the access token itself (not the ID token, a refresh token or a quoted string) after `Bearer `.",
  });
}
