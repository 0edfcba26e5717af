/**
 * Step 3 — find the verification key in the provider's JWKS (through the
 * cache: an unknown kid refetches at most once per cooldown). Never runs when
 * the header was rejected (alg.ts, header-keys.ts), so a hostile header causes
 * no outbound request.
 */
import type { Check } from "../types";
import { fail, humanDuration, pass, skip, type CheckContext } from "./context";

export async function checkKey(ctx: CheckContext): Promise<Check> {
  if (ctx.headerRejected)
    return skip("key", "not attempted: the header was rejected, so no key was looked up or fetched");
  const source = ctx.target.keys;
  const kid = typeof ctx.header?.kid === "string" ? ctx.header.kid : undefined;
  const alg = ctx.header?.alg as string;
  const r = await source.getKeys({ kid, alg });
  const st = source.status();
  const where = `JWKS ${st.url}${st.ageMs === null ? "" : ` (fetched ${humanDuration(st.ageMs)} ago)`}`;
  if (r.ok) {
    ctx.keys = r.keys;
    return pass("key", kid ? `key ${kid} found in ${where}` : `${r.keys.length} compatible key(s) in ${where}`, {
      expected: kid ?? null,
      actual: st.kids,
    });
  }
  if (r.code === "jwks_unavailable") {
    return fail("key", "jwks_unavailable", `no keys available from ${st.url}: ${r.message}`, {
      actual: st.lastError ? `${st.lastError.code}: ${st.lastError.message}` : null,
      hint: "Check the provider's jwksUrl (or discovery) and that the gateway can reach it. Without keys every token is rejected (fail closed).",
    });
  }
  return fail("key", "key_not_found", `${r.message} in ${where}${r.refetched ? ", even after refetching it" : ""}`, {
    expected: kid ?? null,
    actual: st.kids,
    hint: "The token was signed with a key this provider does not publish: it comes from another IdP or realm, the provider's jwksUrl is wrong, or the IdP rotated keys (the JWKS is refetched at most every 30 s).",
  });
}
