/**
 * Step 8a — the `typ` header, if present, must say "access token" or plain
 * JWT (RFC 9068 §2.1 `at+jwt`; RFC 7515 allows omitting `application/`).
 * Other typed JWTs (logout, DPoP proofs, SETs…) are not access tokens.
 */
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

const ACCEPTED = new Set(["at+jwt", "jwt"]);

export function checkTyp(ctx: CheckContext): Check {
  const typ = ctx.header?.typ;
  if (typ === undefined) return pass("typ", "no typ header");
  const norm = typeof typ === "string" ? typ.toLowerCase().replace(/^application\//, "") : "";
  if (ACCEPTED.has(norm)) return pass("typ", `typ ${String(typ)}`, { actual: typ });
  return fail("typ", "typ_invalid", `typ ${JSON.stringify(typ)} is not an access-token type`, {
    expected: ["at+jwt", "application/at+jwt", "JWT", "(absent)"],
    actual: typ,
    hint: "This JWT was issued for another purpose (logout token, DPoP proof, event token…). Send the access token.",
  });
}
