/** Step 10: clients can register (a DCR endpoint); without one they need a pre-registered id, so only a warning. */
import type { SelftestContext, StepOutcome } from "../context";

export function checkRegistration(ctx: SelftestContext): StepOutcome {
  const endpoint = ctx.asDoc?.registration_endpoint;
  if (typeof endpoint === "string") return { status: "pass", detail: endpoint };
  return { status: "warn", detail: "no registration_endpoint: clients need a pre-registered client id" };
}
