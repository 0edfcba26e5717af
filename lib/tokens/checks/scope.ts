/**
 * Step 9 — the server's required scopes are all granted (`scope` or `scp`).
 * The only failure answered with 403 insufficient_scope instead of 401: the
 * token is fine, it just does not grant enough.
 */
import { tokenScopes } from "../claims";
import type { Check } from "../types";
import { fail, pass, type CheckContext } from "./context";

export function checkScope(ctx: CheckContext): Check {
  const required = ctx.target.server.requiredScopes;
  const granted = tokenScopes(ctx.claims ?? {});
  if (required.length === 0) return pass("scope", "no scopes required", { expected: [], actual: granted });
  const missing = required.filter((s) => !granted.includes(s));
  if (missing.length === 0)
    return pass("scope", `grants ${required.join(" ")}`, { expected: [...required], actual: granted });
  return fail(
    "scope",
    "scope_missing",
    `missing required scope${missing.length > 1 ? "s" : ""}: ${missing.join(" ")}`,
    {
      expected: [...required],
      actual: granted,
      hint: `The client must request ${missing.join(" ")} (and the IdP grant it). Some IdPs prefix scope names (Entra: api://<app>/<scope>).`,
    },
  );
}
