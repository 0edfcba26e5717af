/**
 * Step 8a — the `typ` header, if present, must say "access token" or plain
 * JWT (RFC 9068 §2.1 `at+jwt`; RFC 7515 allows omitting `application/`).
 * Other typed JWTs (logout, DPoP proofs, SETs…) are not access tokens.
 * A provider with `requireAtJwt` accepts `at+jwt` only (RFC 9068 §4: the
 * type is what tells access tokens from the IdP's other JWTs).
 */
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

const ACCEPTED = new Set(["at+jwt", "jwt"]);

export function checkTyp(ctx: CheckContext): Check {
  const typ = ctx.header?.typ;
  const norm = typeof typ === "string" ? typ.toLowerCase().replace(/^application\//, "") : "";
  const { provider } = ctx.target;
  if (provider.requireAtJwt && norm !== "at+jwt") {
    return fail(
      "typ",
      "typ_not_at_jwt",
      `${typ === undefined ? "no typ header" : `typ ${JSON.stringify(typ)}`}, but provider ${provider.name} requires at+jwt`,
      {
        expected: ["at+jwt", "application/at+jwt"],
        actual: typ ?? null,
        hint: `Provider ${provider.name} requires RFC 9068 JWT access tokens (requireAtJwt). Have the IdP issue them (typ at+jwt), or turn requireAtJwt off if it cannot.`,
      },
    );
  }
  if (typ === undefined) return pass("typ", "no typ header");
  if (ACCEPTED.has(norm)) return pass("typ", `typ ${String(typ)}`, { actual: typ });
  return fail("typ", "typ_invalid", `typ ${JSON.stringify(typ)} is not an access-token type`, {
    expected: ["at+jwt", "application/at+jwt", "JWT", "(absent)"],
    actual: typ,
    hint: "This JWT was issued for another purpose (logout token, DPoP proof, event token…). Send the access token.",
  });
}
