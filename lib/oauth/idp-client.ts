/**
 * The gateway as a client of the IdP: which IdP client a gateway client
 * maps to (the provider's pre-registered client, or one the gateway registered
 * through the IdP's own DCR), how it authenticates at the token endpoint, and
 * the outbound calls (through lib/net: admin-configured URLs).
 */
import { isFetchError, safeFetch } from "../net";
import { fetchOpts, getProviderMetadata, profileFor, type ResolvedMetadata } from "../providers";
import type { RuntimeProvider } from "../config/model";
import type { FacadeDeps } from "./context";
import { ServerError, TemporarilyUnavailable } from "./errors";
import type { OAuthClientRecord } from "./store";
import { registrationFromResponse, type IdpRegistration } from "./idp-registration";

export type IdpClient = {
  clientId: string;
  clientSecret?: string;
  authMethod: "client_secret_basic" | "client_secret_post" | "none";
};

export async function providerMetadata(provider: RuntimeProvider, deps: FacadeDeps): Promise<ResolvedMetadata> {
  try {
    return await getProviderMetadata(provider, deps.providerDeps);
  } catch (e) {
    deps.logger.warn({ provider: provider.name, err: (e as Error).message }, "IdP metadata unavailable");
    throw new TemporarilyUnavailable("the identity provider's metadata cannot be loaded", 5);
  }
}

/** Picks client_secret_basic unless the IdP lists only client_secret_post (RFC 8414: the default is basic). */
export function pickAuthMethod(meta: ResolvedMetadata, hasSecret: boolean): IdpClient["authMethod"] {
  if (!hasSecret) return "none";
  const supported = meta.document.token_endpoint_auth_methods_supported;
  if (!Array.isArray(supported) || supported.length === 0 || supported.includes("client_secret_basic"))
    return "client_secret_basic";
  if (supported.includes("client_secret_post")) return "client_secret_post";
  return "client_secret_basic";
}

export async function idpClientFor(
  client: OAuthClientRecord,
  provider: RuntimeProvider,
  meta: ResolvedMetadata,
  deps: FacadeDeps,
): Promise<IdpClient> {
  if (client.idpClientId) {
    const secret = client.idpClientSecretEnc ? await deps.secrets.decrypt(client.idpClientSecretEnc) : undefined;
    // `upstream_token_endpoint_auth_method`: the key registrations stored before it was renamed.
    const m =
      ((client.metadata.idp_token_endpoint_auth_method ?? client.metadata.upstream_token_endpoint_auth_method) as
        string | undefined) ?? pickAuthMethod(meta, Boolean(secret));
    return {
      clientId: client.idpClientId,
      clientSecret: secret,
      authMethod: secret ? (m === "client_secret_post" ? "client_secret_post" : "client_secret_basic") : "none",
    };
  }
  if (!provider.clientId)
    throw new ServerError(`provider "${provider.name}" has no IdP client: configure clientId (and clientSecret)`);
  return {
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    authMethod: pickAuthMethod(meta, Boolean(provider.clientSecret)),
  };
}

/** Should registration at the facade also register a client at the IdP (no pre-registered one)? */
export function usesIdpDcr(provider: RuntimeProvider, meta: ResolvedMetadata): boolean {
  return !provider.clientId && profileFor(provider).dynamicRegistration !== false && Boolean(meta.registrationEndpoint);
}

/** Registers a confidential client at the IdP whose only redirect URI is the facade callback. */
export async function registerIdpClient(
  provider: RuntimeProvider,
  meta: ResolvedMetadata,
  opts: { callback: string; clientName?: string },
  deps: FacadeDeps,
): Promise<{ clientId: string; clientSecret?: string; authMethod?: string; registration?: IdpRegistration }> {
  const body = JSON.stringify({
    redirect_uris: [opts.callback],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: pickAuthMethod(meta, true),
    client_name: `Portcullis: ${opts.clientName ?? "MCP client"}`.slice(0, 200),
  });
  let res;
  try {
    res = await safeFetch(meta.registrationEndpoint!, {
      ...fetchOpts(deps.providerDeps),
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body,
      maxRedirects: 0,
      timeoutMs: 10_000,
    });
  } catch (e) {
    throw new TemporarilyUnavailable(
      `registration at the identity provider failed: ${isFetchError(e) ? e.code : "network error"}`,
      5,
    );
  }
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(res.body.toString("utf8"));
  } catch {
    json = undefined;
  }
  if (res.status < 200 || res.status > 299 || !json || typeof json.client_id !== "string") {
    deps.logger.warn(
      { provider: provider.name, status: res.status, error: json?.error },
      "IdP refused dynamic registration",
    );
    throw new ServerError(
      `the identity provider refused to register the gateway's client (HTTP ${res.status}${json?.error ? `: ${json.error}` : ""})`,
      502,
    );
  }
  return {
    clientId: json.client_id,
    clientSecret: typeof json.client_secret === "string" ? json.client_secret : undefined,
    authMethod: typeof json.token_endpoint_auth_method === "string" ? json.token_endpoint_auth_method : undefined,
    registration: registrationFromResponse(json, meta.registrationEndpoint!),
  };
}

/** RFC 6749 §2.3.1: form-urlencode the id and secret before base64 (what IdPs decode). */
export function basicAuthorization(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}`;
}

export type IdpTokenResponse = { status: number; body: Buffer; contentType: string | null };

/** POSTs a token request to the IdP with the IdP client's authentication. */
export async function postIdpToken(
  meta: ResolvedMetadata,
  params: URLSearchParams,
  client: IdpClient,
  deps: FacadeDeps,
): Promise<IdpTokenResponse> {
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "application/json",
  };
  params.delete("client_id");
  params.delete("client_secret");
  if (client.authMethod === "client_secret_basic" && client.clientSecret)
    headers.authorization = basicAuthorization(client.clientId, client.clientSecret);
  else {
    params.set("client_id", client.clientId);
    if (client.authMethod === "client_secret_post" && client.clientSecret)
      params.set("client_secret", client.clientSecret);
  }
  try {
    const res = await safeFetch(meta.tokenEndpoint, {
      ...fetchOpts(deps.providerDeps),
      method: "POST",
      headers,
      body: params.toString(),
      maxRedirects: 0,
      timeoutMs: 15_000,
      maxBytes: 256 * 1024,
    });
    return { status: res.status, body: res.body, contentType: res.headers.get("content-type") };
  } catch (e) {
    deps.logger.warn({ err: (e as Error).message }, "IdP token endpoint unreachable");
    throw new TemporarilyUnavailable(
      `the identity provider's token endpoint is unreachable (${isFetchError(e) ? e.code : "network error"})`,
      5,
    );
  }
}
