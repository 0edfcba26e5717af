/**
 * authorization_code: the code must be one the callback relayed (bound by its hash) for this
 * provider and client, within the binding's lifetime (10 minutes from the callback), and
 * redirect_uri must be the one of the authorization request.
 */
import { sha256 } from "../../admin/tokens";
import type { FacadeContext, FacadeDeps } from "../context";
import { InvalidGrant, InvalidRequest } from "../errors";
import type { OAuthClientRecord, PendingRecord } from "../store";

export async function findCodeBinding(
  form: Map<string, string>,
  client: OAuthClientRecord,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<PendingRecord & { code: string }> {
  const code = form.get("code");
  if (!code) throw new InvalidRequest("code is missing");
  const binding = await deps.store.findByCodeHash(sha256(code));
  if (
    !binding ||
    binding.providerName !== ctx.provider.name ||
    binding.clientId !== client.clientId ||
    binding.expiresAt.getTime() <= deps.now()
  )
    throw new InvalidGrant("the authorization code is unknown, expired or was not issued to this client").because(
      "code_unknown",
    );
  const redirectUri = form.get("redirect_uri");
  if (redirectUri === undefined || redirectUri !== binding.redirectUri)
    throw new InvalidGrant("redirect_uri does not match the authorization request").because("redirect_uri_mismatch");
  return { ...binding, code };
}
