/** Step 8: the authorization server's `issuer` echoes the URL it was discovered from (RFC 8414 §3.3). */
import type { SelftestContext, StepOutcome } from "../context";

const trimSlash = (s: string) => s.replace(/\/+$/, "");

export function checkIssuer(ctx: SelftestContext): StepOutcome {
  const asUrl = ctx.asUrl!;
  const issuer = typeof ctx.asDoc?.issuer === "string" ? ctx.asDoc.issuer : undefined;
  if (issuer === asUrl) return { status: "pass", detail: issuer };
  return {
    status: "fail",
    expected: asUrl,
    actual: issuer ?? "(missing)",
    detail:
      issuer && trimSlash(issuer) === trimSlash(asUrl)
        ? "differs only by a trailing slash"
        : "clients reject metadata whose issuer differs",
    hint: "Use mode proxy (the gateway's facade echoes correctly), or fix the issuer.",
  };
}
