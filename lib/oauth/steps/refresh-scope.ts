/**
 * A refresh may narrow the scope, never widen it (RFC 6749 §6): every scope it asks for must be
 * one the client was granted — what the user consented to at the facade, the provider's own
 * extra scopes, or what the IdP granted (which may be spelled the IdP's way, e.g. Entra's
 * `api://<app>/<scope>`).
 */
import { InvalidScope } from "../errors";
import type { RefreshTokenRecord } from "../store";

export const scopeSet = (...lists: (string | readonly string[] | undefined)[]) =>
  new Set(lists.flatMap((l) => (typeof l === "string" ? l.split(" ") : (l ?? []))).filter(Boolean));

export function checkRefreshScope(scope: string | undefined, binding: Pick<RefreshTokenRecord, "scope">): void {
  if (scope === undefined) return;
  const granted = scopeSet(binding.scope);
  const extra = [...scopeSet(scope)].filter((s) => !granted.has(s));
  if (extra.length)
    throw new InvalidScope(`scope ${extra.join(" ")} was not granted to this client`).because("scope_not_granted");
}
