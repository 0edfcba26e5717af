/**
 * RFC 7592 for the upstream clients the gateway registers at an IdP: keep the
 * client configuration endpoint and registration access token the IdP answers
 * with, and use them to delete that client when its facade client is deleted.
 * Without them the IdP keeps one orphan client per deleted facade client.
 */
import { isFetchError, safeFetch } from "../net";
import { fetchOpts, type ProviderDeps } from "../providers";

export type UpstreamRegistration = { uri: string; token: string };

/**
 * The management handle from a registration response, if the IdP gave one. The URI must be on the
 * registration endpoint's origin: the gateway will later send the token there, and an IdP answer
 * must not be able to point that call at another host.
 */
export function registrationFromResponse(json: Record<string, unknown>, registrationEndpoint: string): UpstreamRegistration | undefined {
  const uri = json.registration_client_uri;
  const token = json.registration_access_token;
  if (typeof uri !== "string" || typeof token !== "string" || token === "") return undefined;
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    return undefined;
  }
  if (u.origin !== new URL(registrationEndpoint).origin || (u.protocol !== "https:" && u.protocol !== "http:")) return undefined;
  return { uri: u.href, token };
}

/** What happened to the upstream client; anything else is thrown as UpstreamDeleteError. */
export type UpstreamDeleteResult = "deleted" | "already_gone";

export class UpstreamDeleteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UpstreamDeleteError";
  }
}

/**
 * DELETE on the client configuration endpoint (RFC 7592 §2.3). 204 (any 2xx) = deleted; 401, 404 and
 * 410 = the IdP no longer knows the client or its token (RFC 7592 answers 401 for a client that does
 * not exist), so there is nothing left to delete. Anything else, 403 included (the IdP refuses
 * deletion), is an error with the status in its message.
 */
export async function deleteUpstreamRegistration(reg: UpstreamRegistration, deps: ProviderDeps): Promise<UpstreamDeleteResult> {
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
    throw new UpstreamDeleteError(`the identity provider could not be reached (${isFetchError(e) ? e.code : "network error"})`);
  }
  if (status >= 200 && status < 300) return "deleted";
  if (status === 401 || status === 404 || status === 410) return "already_gone";
  throw new UpstreamDeleteError(`the identity provider answered HTTP ${status}${status === 403 ? " (it does not allow deleting this client)" : ""}`);
}
