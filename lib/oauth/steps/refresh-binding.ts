/**
 * refresh_token: redeemable only by the facade client it was issued to. The facade keeps the
 * SHA-256 of every refresh token the IdP returned through it (steps/remember-refresh-token.ts);
 * a token it never relayed, one that expired here, or one issued to another client is refused
 * without asking the IdP (which sees only the gateway's own client and would accept it).
 */
import { sha256 } from "../../admin/tokens";
import type { FacadeContext, FacadeDeps } from "../context";
import { InvalidGrant, InvalidRequest } from "../errors";
import type { OAuthClientRecord, RefreshTokenRecord } from "../store";

const REFUSED = "the refresh token is unknown to this gateway, expired, or was not issued to this client";

export async function findRefreshBinding(
  form: Map<string, string>,
  client: OAuthClientRecord,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<RefreshTokenRecord & { token: string }> {
  const token = form.get("refresh_token");
  if (!token) throw new InvalidRequest("refresh_token is missing");
  const r = await deps.store.findRefreshToken(sha256(token));
  if (!r || r.providerName !== ctx.provider.name || r.expiresAt.getTime() <= deps.now())
    throw new InvalidGrant(REFUSED).because("refresh_token_unknown");
  if (r.clientId !== client.clientId) {
    deps.logger.warn(
      { provider: ctx.provider.name, clientId: client.clientId, issuedTo: r.clientId },
      "refresh token presented by a client it was not issued to",
    );
    throw new InvalidGrant(REFUSED).because("refresh_token_other_client");
  }
  return { ...r, token };
}
