/**
 * A client's token is accepted: the given token through the gateway's own checks for this server. Without
 * one, what the provider's tokens carry in `aud` says whether they can be: a warning when they may not.
 */
import { errorMessage } from "../../errors";
import type { SelftestContext, StepOutcome } from "../context";

export async function checkToken(ctx: SelftestContext): Promise<StepOutcome> {
  const { token, verifyToken, audience } = ctx.opts;
  if (!token || !verifyToken) {
    if (audience && audience.ready !== true)
      return {
        status: "warn",
        detail: "no token given: the IdP's tokens may not name this server in aud",
        hint: `${audience.hint} Paste a token to check.`,
      };
    return { status: "skip", detail: "no token given: paste one to check its verdict" };
  }
  let d;
  try {
    d = await verifyToken(token);
  } catch (e) {
    return { status: "fail", detail: `the token cannot be checked: ${errorMessage(e)}` };
  }
  ctx.tokenAccepted = d.verdict === "accept";
  if (ctx.tokenAccepted)
    return {
      status: "pass",
      detail: `accepted${d.subject ? ` for ${d.subject}` : ""}${d.scopes.length ? ` · scopes ${d.scopes.join(" ")}` : ""} · token ${d.fingerprint}`,
    };
  const f = d.failed;
  const show = (v: unknown) => (v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v));
  return {
    status: "fail",
    detail: `rejected (${d.httpStatus}): ${f?.message ?? d.errorDescription ?? "the token is not accepted"}`,
    expected: f?.id === "aud" ? undefined : show(f?.expected),
    actual: show(f?.actual),
    hint: [f?.hint, f?.fix && `Fix: ${f.fix.label} (the inspector applies it in one click).`].filter(Boolean).join(" "),
  };
}
