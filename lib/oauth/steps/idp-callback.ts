/**
 * An IdP client the gateway registered for one facade client is bound to the callback URL it
 * was registered with: it is never used with another one (a request reaching the facade under
 * another of its names would otherwise send the IdP's code somewhere the IdP was never told of).
 * Clients registered before the binding was recorded have none and are used as they are; the
 * IdP still refuses a callback it does not know.
 */
import type { FacadeContext } from "../context";
import { InvalidGrant, PageError } from "../errors";
import type { OAuthClientRecord } from "../store";

const bound = (client: OAuthClientRecord) => (client.idpClientId ? client.idpRedirectUri : undefined);

/** At /authorize: the callback this request would register with the IdP. */
export function checkIdpCallbackForAuthorize(client: OAuthClientRecord, ctx: FacadeContext): void {
  const registered = bound(client);
  if (registered === undefined || registered === ctx.endpoint("callback")) return;
  throw new PageError(
    "Wrong address",
    `This application was registered with the gateway at ${new URL(registered).origin}. Sign in through that address, or register the application again.`,
    400,
    "idp_callback_mismatch",
  );
}

/** At /token: the callback the code was issued for. */
export function checkIdpCallbackForToken(client: OAuthClientRecord, callback: string): void {
  const registered = bound(client);
  if (registered === undefined || registered === callback) return;
  throw new InvalidGrant("the authorization code was issued through another address of this gateway").because(
    "idp_callback_mismatch",
  );
}
