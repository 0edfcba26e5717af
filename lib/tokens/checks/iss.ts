/**
 * Step 5 — `iss` equals the provider's issuer exactly (string comparison, as
 * OIDC requires). Near misses get a hint; a trailing-slash or scheme-only
 * difference also gets a one-click fix, since the IdP is then clearly the same.
 */
import type { Check, Fix } from "../types";
import { fail, pass, type CheckContext } from "./context";

export function checkIss(ctx: CheckContext): Check {
  const { provider } = ctx.target;
  const iss = ctx.claims?.iss;
  if (typeof iss !== "string" || iss === "") {
    return fail("iss", "iss_missing", "the token has no iss claim", { expected: provider.issuer, actual: iss ?? null });
  }
  if (iss === provider.issuer) return pass("iss", `issued by ${iss}`, { expected: provider.issuer, actual: iss });

  const fix: Fix = {
    label: `Set the issuer of provider ${provider.name} to ${iss}`,
    patch: { entity: "provider", name: provider.name, set: { issuer: iss } },
  };
  const base = { expected: provider.issuer, actual: iss };
  const message = `iss ${iss} does not match provider ${provider.name}`;
  const diff = compareIssuers(iss, provider.issuer);
  switch (diff) {
    case "trailing_slash":
      return fail("iss", "iss_mismatch", message, {
        ...base,
        fix,
        hint: "The values differ only by a trailing slash; issuers are compared exactly. Use the token's form.",
      });
    case "scheme":
      return fail("iss", "iss_mismatch", message, {
        ...base,
        fix,
        hint: "The values differ only by http/https. The IdP builds its issuer from the URL it believes it is served at (behind a proxy, set its hostname/frontend URL), or use the token's form.",
      });
    case "host":
      return fail("iss", "iss_mismatch", message, {
        ...base,
        hint: "Same path on a different host: the IdP names itself after the host it was reached through (e.g. localhost vs. its public name). Pin its public hostname (Keycloak KC_HOSTNAME) so tokens and discovery agree.",
      });
    default:
      return fail("iss", "iss_mismatch", message, {
        ...base,
        hint: "The token was issued by another IdP, tenant or realm.",
      });
  }
}

function compareIssuers(a: string, b: string): "trailing_slash" | "scheme" | "host" | "other" {
  const strip = (s: string) => s.replace(/\/+$/, "");
  if (strip(a) === strip(b)) return "trailing_slash";
  let ua: URL, ub: URL;
  try {
    ua = new URL(a);
    ub = new URL(b);
  } catch {
    return "other";
  }
  const path = (u: URL) => strip(u.pathname) + u.search;
  if (ua.protocol !== ub.protocol && ua.hostname === ub.hostname && path(ua) === path(ub)) return "scheme";
  if (ua.hostname !== ub.hostname && path(ua) === path(ub)) return "host";
  return "other";
}
