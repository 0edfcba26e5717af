/**
 * Step 2c — `kid` presence. Absent is legal, but when the JWKS holds several
 * keys every candidate must be tried, and key rotation gets ambiguous: warn.
 * Runs after the key lookup (it needs the key count) but is listed here.
 */
import type { Check } from "../types";
import { pass, skip, warn, type CheckContext } from "./context";

export function checkKid(ctx: CheckContext): Check {
  const kid = ctx.header?.kid;
  if (typeof kid === "string" && kid) return pass("kid", `kid ${kid}`, { actual: kid });
  if (ctx.headerRejected) return skip("kid", "not checked: the header was rejected");
  const count = ctx.target.keys.status().keyCount;
  if (count > 1) {
    return warn(
      "kid",
      "kid_missing",
      `the header has no kid and the JWKS has ${count} keys; each compatible key is tried`,
      {
        actual: null,
        hint: "Ask the IdP to set kid in token headers so key rotation is unambiguous.",
      },
    );
  }
  return pass("kid", "no kid in the header; the JWKS has a single key", { actual: null });
}
