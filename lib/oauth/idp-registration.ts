/**
 * RFC 7592 for the IdP clients the gateway registers at an IdP: keep the
 * client configuration endpoint and registration access token the IdP answers
 * with, and use them to delete that client when its facade client is deleted.
 * Without them the IdP keeps one orphan client per deleted facade client.
 */
import { isFetchError, safeFetch } from "../net";
import { fetchOpts, type ProviderDeps } from "../providers";

export type IdpRegistration = { uri: string; token: string };

/**
 * The management handle from a registration response, if the IdP gave one. The URI must be on the
 * registration endpoint's origin: the gateway will later send the token there, and an IdP answer
 * must not be able to point that call at another host.
 */
export function registrationFromResponse(
  json: Record<string, unknown>,
  registrationEndpoint: string,
): IdpRegistration | undefined {
  const uri = json.registration_client_uri;
  const token = json.registration_access_token;
  if (typeof uri !== "string" || typeof token !== "string" || token === "") return undefined;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  if (u.origin !== new URL(registrationEndpoint).origin) return undefined;
  return { uri: u.href, token };
}

/** What happened to the IdP client; anything else is thrown as IdpDeleteError. */
export type IdpDeleteResult = "deleted" | "already_gone";

/** The IdP did not delete the client. `retryable`: a later attempt may succeed (network, 5xx, 429). */
export class IdpDeleteError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.name = "IdpDeleteError";
    this.retryable = retryable;
  }
}

/** Statuses that say the IdP will not delete the client, however often it is asked. */
const REFUSALS: Record<number, string> = {
  401: "it refused the registration access token: the client may already be gone, or the token was revoked",
  403: "it does not allow deleting this client",
  405: "it does not support deleting clients",
};

/**
 * DELETE on the client configuration endpoint (RFC 7592 §2.3). Any 2xx (204 by the RFC) = deleted;
 * 404 and 410 = the IdP no longer knows the client. 401 is not read as "gone" although RFC 7592
 * answers it for an unknown client: a revoked or expired token gets it too, while the client
 * stays, and the gateway would then drop the only token it had without saying so.
 */
export async function deleteIdpRegistration(reg: IdpRegistration, deps: ProviderDeps): Promise<IdpDeleteResult> {
  let status: number;
  try {
    const res = await safeFetch(reg.uri, {
      ...fetchOpts(deps),
      method: "DELETE",
      headers: { authorization: `Bearer ${reg.token}`, accept: "application/json" },
      maxRedirects: 0,
      timeoutMs: 10_000,
      maxBytes: 64 * 1024,
    });
    status = res.status;
  } catch (e) {
    const code = isFetchError(e) ? e.code : "network error";
    throw new IdpDeleteError(`the call to the identity provider failed (${code})`, code !== "fetch_too_many_redirects");
  }
  if (status >= 200 && status < 300) return "deleted";
  if (status === 404 || status === 410) return "already_gone";
  const refusal = REFUSALS[status];
  throw new IdpDeleteError(
    `the identity provider answered HTTP ${status}${refusal ? ` (${refusal})` : ""}`,
    !refusal && (status >= 500 || status === 429),
  );
}
