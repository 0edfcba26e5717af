/**
 * Step 7 — time claims with the provider's clock skew: `exp` required (a
 * token without expiry would be valid forever), `nbf` honoured, `iat` not in
 * the future. Per RFC 7519 a token is invalid at or after `exp`.
 */
import type { Check, JsonValue } from "../types";
import { fail, humanDuration, isoTime, pass, type CheckContext } from "./context";

const SKEW_HINT =
  "If the clocks of the IdP and the gateway disagree, fix NTP or raise the provider's clockSkewSeconds.";
const isNum = (v: JsonValue | undefined): v is number => typeof v === "number" && Number.isFinite(v);

export function checkExp(ctx: CheckContext): Check {
  const exp = ctx.claims?.exp;
  const skew = ctx.target.provider.clockSkewSeconds;
  if (!isNum(exp)) {
    return fail("exp", "exp_missing", "the token has no valid exp claim; tokens without an expiry are not accepted", {
      expected: "a NumericDate",
      actual: exp ?? null,
    });
  }
  const lateBy = ctx.nowMs - (exp + skew) * 1000;
  if (lateBy >= 0) {
    return fail(
      "exp",
      "expired",
      `the token expired at ${isoTime(exp)}, ${humanDuration(ctx.nowMs - exp * 1000)} ago`,
      {
        expected: `after ${isoTime(ctx.nowMs / 1000 - skew)} (now − ${skew} s skew)`,
        actual: isoTime(exp),
        hint: `The client must refresh its token. ${SKEW_HINT}`,
      },
    );
  }
  const at = isoTime(exp); // formatted once: it runs on every never-seen token
  return pass("exp", `expires at ${at}`, { actual: at });
}

export function checkNbf(ctx: CheckContext): Check {
  const nbf = ctx.claims?.nbf;
  const skew = ctx.target.provider.clockSkewSeconds;
  if (nbf === undefined) return pass("nbf", "no nbf claim");
  if (!isNum(nbf)) return fail("nbf", "claim_invalid", "nbf is not a NumericDate", { actual: nbf });
  if (nbf * 1000 > ctx.nowMs + skew * 1000) {
    return fail(
      "nbf",
      "not_yet_valid",
      `the token is not valid before ${isoTime(nbf)} (${humanDuration(nbf * 1000 - ctx.nowMs)} from now)`,
      {
        expected: `at or before ${isoTime(ctx.nowMs / 1000 + skew)} (now + ${skew} s skew)`,
        actual: isoTime(nbf),
        hint: SKEW_HINT,
      },
    );
  }
  const at = isoTime(nbf);
  return pass("nbf", `valid since ${at}`, { actual: at });
}

export function checkIat(ctx: CheckContext): Check {
  const iat = ctx.claims?.iat;
  const skew = ctx.target.provider.clockSkewSeconds;
  if (iat === undefined) return pass("iat", "no iat claim");
  if (!isNum(iat)) return fail("iat", "claim_invalid", "iat is not a NumericDate", { actual: iat });
  if (iat * 1000 > ctx.nowMs + skew * 1000) {
    return fail(
      "iat",
      "iat_in_future",
      `the token claims to be issued at ${isoTime(iat)}, ${humanDuration(iat * 1000 - ctx.nowMs)} in the future`,
      {
        expected: `at or before ${isoTime(ctx.nowMs / 1000 + skew)} (now + ${skew} s skew)`,
        actual: isoTime(iat),
        hint: SKEW_HINT,
      },
    );
  }
  const at = isoTime(iat);
  return pass("iat", `issued at ${at}`, { actual: at });
}
