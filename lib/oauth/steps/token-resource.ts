/**
 * `resource` at the token endpoint (RFC 8707): when present it must name one of this
 * provider's servers, and the resource that was authorized when the sign-in named one (for a
 * code, and for a refresh token of that sign-in). Returns what to ask the IdP for (the
 * presented one, else the authorized one).
 */
import type { FacadeContext, FacadeDeps } from "../context";
import { serverForResource } from "../context";
import { InvalidTarget } from "../errors";

const noSlash = (s: string) => s.replace(/\/+$/, "");

export function checkTokenResource(
  presented: string | undefined,
  authorized: string | undefined,
  ctx: FacadeContext,
  deps: Pick<FacadeDeps, "publicUrl">,
): string | undefined {
  if (presented === undefined) return authorized;
  if (!serverForResource(ctx, presented, deps.publicUrl))
    throw new InvalidTarget("resource is not a server protected by this authorization server").because(
      "resource_unknown",
    );
  if (authorized !== undefined && noSlash(presented) !== noSlash(authorized))
    throw new InvalidTarget("resource is not the one the authorization was granted for").because(
      "resource_not_authorized",
    );
  return presented;
}
