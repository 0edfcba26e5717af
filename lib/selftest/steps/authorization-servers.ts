/** Step 6: the document names an authorization server for the client to discover. */
import type { SelftestContext, StepOutcome } from "../context";

export function checkAuthorizationServers(ctx: SelftestContext): StepOutcome {
  const named = ctx.prm?.authorization_servers;
  const servers = Array.isArray(named) ? named.filter((x): x is string => typeof x === "string") : [];
  if (!servers.length)
    return {
      status: "fail",
      actual: JSON.stringify(named ?? null),
      detail: "authorization_servers is missing or empty",
      stop: true,
    };
  ctx.asUrl = servers[0];
  return { status: "pass", detail: ctx.asUrl };
}
