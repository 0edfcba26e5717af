/** The facade needs a client at the IdP: a pre-registered one, or dynamic registration that is not turned off. */
import type { DiscoverContext } from "./context";

export function checkClientRegistration(ctx: DiscoverContext): void {
  if (ctx.provider.clientId) return;
  const dcr = ctx.capabilities?.dynamicRegistration;
  if (!dcr)
    ctx.problems.push({
      severity: "error",
      item: "provider.clientId",
      message:
        "no pre-registered client id and the IdP offers no dynamic registration: the facade cannot start authorizations",
    });
  else if (ctx.profile.dynamicRegistration === false)
    ctx.problems.push({
      severity: "error",
      item: "provider.clientId",
      message: "no pre-registered client id, and dynamic registration is turned off for this provider",
    });
}
