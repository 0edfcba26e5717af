/**
 * After a successful exchange: remember the refresh token the IdP returned (its hash only),
 * bound to the client, with what the client may ask for on refresh. Rotation is followed: the
 * new token gets the binding, the old one keeps it only for a short grace period (a client
 * whose answer was lost may retry). A refresh answered without a new token renews the old one.
 */
import { sha256 } from "../../admin/tokens";
import type { FacadeContext, FacadeDeps } from "../context";
import type { OAuthClientRecord, RefreshTokenRecord } from "../store";
import { scopeSet } from "./refresh-scope";

export async function rememberRefreshToken(
  answer: Record<string, unknown>,
  opts: {
    client: OAuthClientRecord;
    /** What the user consented to (code grant), or the binding being refreshed. */
    consented: string | undefined;
    resource: string | undefined;
    previous?: RefreshTokenRecord;
  },
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  const now = deps.now();
  const issued = typeof answer.refresh_token === "string" && answer.refresh_token ? answer.refresh_token : undefined;
  const ttl = Math.max(
    deps.limits.refreshTokenIdleMs,
    typeof answer.refresh_expires_in === "number" ? answer.refresh_expires_in * 1000 : 0,
  );
  const scope = [
    ...scopeSet(opts.consented, ctx.provider.scopes, typeof answer.scope === "string" ? answer.scope : undefined),
  ].join(" ");
  const binding = (tokenHash: string): RefreshTokenRecord => ({
    tokenHash,
    providerName: ctx.provider.name,
    clientId: opts.client.clientId,
    scope,
    resource: opts.resource,
    expiresAt: new Date(now + ttl),
  });
  if (!issued) {
    if (opts.previous) await deps.store.saveRefreshToken(binding(opts.previous.tokenHash));
    return;
  }
  const tokenHash = sha256(issued);
  await deps.store.saveRefreshToken(binding(tokenHash));
  if (opts.previous && opts.previous.tokenHash !== tokenHash)
    await deps.store.expireRefreshTokenAt(opts.previous.tokenHash, new Date(now + deps.limits.refreshTokenGraceMs));
}
