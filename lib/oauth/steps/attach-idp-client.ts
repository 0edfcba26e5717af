/**
 * Where the provider has no pre-registered client and the IdP offers DCR, the gateway registers
 * a client of its own at the IdP for a facade client (a registration, or a metadata document URL,
 * once per URL), bound to the facade callback it was registered with (idp-callback.ts).
 */
import type { FacadeContext, FacadeDeps } from "../context";
import { providerMetadata, registerIdpClient, usesIdpDcr } from "../idp-client";
import type { OAuthClientRecord } from "../store";

export async function attachIdpClient(record: OAuthClientRecord, ctx: FacadeContext, deps: FacadeDeps): Promise<void> {
  if (ctx.provider.clientId) return; // the provider's own client serves every facade client
  const meta = await providerMetadata(ctx.provider, deps);
  if (!usesIdpDcr(ctx.provider, meta)) return;
  // The callback is a configured URL whenever there is one (context.ts), and the request's host
  // passed the allowed-hosts check: a registration cannot point the IdP at another host.
  const callback = ctx.endpoint("callback");
  const up = await registerIdpClient(ctx.provider, meta, { callback, clientName: record.clientName }, deps);
  record.idpClientId = up.clientId;
  record.idpRedirectUri = callback;
  if (up.clientSecret) record.idpClientSecretEnc = await deps.secrets.encrypt(up.clientSecret);
  if (up.registration)
    record.idpRegistration = {
      uri: up.registration.uri,
      tokenEnc: await deps.secrets.encrypt(up.registration.token),
    };
  if (up.authMethod) record.metadata = { ...record.metadata, idp_token_endpoint_auth_method: up.authMethod };
}
