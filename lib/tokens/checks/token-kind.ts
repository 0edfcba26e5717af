/**
 * Step 8b — reject what is not an access token. A conservative heuristic, in order:
 * 0. an `events` claim holding event-type URIs: an OIDC back-channel logout token or
 *    another security event token (RFC 8417 §2.3 tells recipients to tell them apart by
 *    this claim, since issuers often leave out `typ`); no access token carries one;
 * 1. `typ` header at+jwt, or Keycloak's `typ` claim "Bearer": an access token
 *    (older Keycloak puts `nonce` into access tokens, so this wins over 3);
 * 2. Keycloak's `typ` claim "ID", or `at_hash`/`c_hash` (only meaningful in ID
 *    tokens): an ID token;
 * 3. `nonce`: an ID token (OIDC puts the nonce in the ID token);
 * 4. aud is only the client id, `auth_time` present and no scope at all: probably
 *    an ID token — a warning only, because Authentik-style access tokens look
 *    similar and the aud check already guards that case.
 */
import { tokenAudiences, tokenScopes } from "../claims";
import type { Check } from "../types";
import { fail, pass, warn, type CheckContext } from "./context";

const ID_TOKEN_MESSAGE = "this is an ID token, not an access token";
const BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout";
const HINT =
  "The client sent the OpenID Connect ID token as a bearer token. It must send the access token from the token response.";

export function checkTokenKind(ctx: CheckContext): Check {
  const c = ctx.claims ?? {};
  const events = eventTypes(c.events);
  if (events.length > 0) {
    const logout = events.includes(BACKCHANNEL_LOGOUT);
    return fail(
      "token_kind",
      "event_token",
      logout
        ? "this is a logout token (OpenID Connect back-channel logout), not an access token"
        : "this is a security event token (RFC 8417), not an access token",
      {
        expected: "an access token",
        actual: `events claim: ${events.join(", ").slice(0, 200)}`,
        hint: "Event tokens are sent by the IdP to relying parties and are never valid as bearer tokens. Send the access token from the token response.",
      },
    );
  }
  const headerTyp =
    typeof ctx.header?.typ === "string" ? ctx.header.typ.toLowerCase().replace(/^application\//, "") : "";
  if (headerTyp === "at+jwt") return pass("token_kind", "access token (typ at+jwt)");
  if (c.typ === "Bearer") return pass("token_kind", "access token (typ claim Bearer)");

  const markers = ["at_hash", "c_hash", "nonce"].filter((k) => k in c);
  if (c.typ === "ID" || markers.length > 0) {
    return fail("token_kind", "id_token", ID_TOKEN_MESSAGE, {
      expected: "an access token",
      actual: c.typ === "ID" ? "typ claim ID" : `claims ${markers.join(", ")}`,
      hint: HINT,
    });
  }
  const auds = tokenAudiences(c);
  const clientId = ctx.target.provider.clientId;
  if (clientId && auds?.length === 1 && auds[0] === clientId && "auth_time" in c && tokenScopes(c).length === 0) {
    return warn(
      "token_kind",
      "id_token_suspected",
      "this looks like an ID token (aud is the client id, auth_time set, no scope)",
      {
        actual: "aud = client id, auth_time, no scope",
        hint: HINT,
      },
    );
  }
  return pass("token_kind", "access token");
}

/** The event-type URIs of an `events` claim (a JSON object keyed by URIs), or none. */
function eventTypes(events: unknown): string[] {
  if (typeof events !== "object" || events === null || Array.isArray(events)) return [];
  return Object.keys(events).filter((k) => k.includes(":"));
}
