/**
 * What the chosen document says the IdP supports (null: it does not say).
 * MCP clients need PKCE S256: an IdP that lists other methods only is an error.
 */
import type { DiscoverContext } from "./context";

const strings = (v: unknown): string[] | null =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : null;

export function readCapabilities(ctx: DiscoverContext): void {
  const doc = ctx.chosen?.doc ?? {};
  const pkceMethods = strings(doc.code_challenge_methods_supported);
  const capabilities = (ctx.capabilities = {
    pkceS256: pkceMethods ? pkceMethods.includes("S256") : null,
    pkceMethods,
    dynamicRegistration: ctx.chosen ? typeof doc.registration_endpoint === "string" : null,
    resourceIndicators:
      typeof doc.resource_indicators_supported === "boolean" ? (doc.resource_indicators_supported as boolean) : null,
    issResponseParameter:
      typeof doc.authorization_response_iss_parameter_supported === "boolean"
        ? doc.authorization_response_iss_parameter_supported
        : null,
    tokenEndpointAuthMethods: strings(doc.token_endpoint_auth_methods_supported),
    scopes: strings(doc.scopes_supported),
  });
  if (capabilities.pkceS256 === false)
    ctx.problems.push({
      severity: "error",
      item: "capabilities.pkceS256",
      message: "the IdP does not list S256 in code_challenge_methods_supported",
    });
  if (capabilities.pkceS256 === null && ctx.chosen)
    ctx.problems.push({
      severity: "warning",
      item: "capabilities.pkceS256",
      message: "the IdP does not advertise PKCE methods; the facade advertises S256 and passes the challenge through",
    });
}
