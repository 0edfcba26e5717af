/**
 * Step 2b — the header must not carry or point at its own key. `jwk`/`x5c`
 * (embedded) and `jku`/`x5u` (remote) would let the token choose the key that
 * verifies it; they are refused outright and NEVER fetched or imported.
 * A `crit` header (any value) is refused too: it names extensions the recipient
 * must understand, and the gateway understands none (RFC 7515 §4.1.11).
 */
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

export function checkHeaderKeys(ctx: CheckContext): Check {
  const h = ctx.header ?? {};
  const embedded = ["jwk", "x5c"].filter((k) => k in h);
  const remote = ["jku", "x5u"].filter((k) => k in h);
  const hint =
    "Keys come only from the provider's configured JWKS. IdPs do not put keys in access-token headers; this token is forged or from a test tool.";
  if (embedded.length > 0) {
    ctx.headerRejected = true;
    return fail("header_keys", "header_jwk_embedded", `the header embeds its own key (${embedded.join(", ")})`, {
      expected: "no jwk/x5c header",
      actual: embedded,
      hint,
    });
  }
  if (remote.length > 0) {
    ctx.headerRejected = true;
    const urls = remote.map((k) => String(h[k]).slice(0, 200));
    return fail(
      "header_keys",
      "header_jku_x5u",
      `the header points at a key URL (${remote.join(", ")}); it was not fetched`,
      {
        expected: "no jku/x5u header",
        actual: urls,
        hint,
      },
    );
  }
  if ("crit" in h) {
    ctx.headerRejected = true;
    return fail(
      "header_keys",
      "header_crit",
      "the header lists critical extensions (crit), which the gateway does not support",
      {
        expected: "no crit header",
        actual: h.crit ?? null,
        hint: "Access tokens from IdPs carry no critical header extensions; have the IdP issue plain JWT access tokens (RFC 9068).",
      },
    );
  }
  return pass("header_keys", "no embedded or remote key references, no critical extensions");
}
