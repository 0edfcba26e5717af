/**
 * POST /oauth/<p>/token (authorization_code, refresh_token). Steps:
 * 1. authenticate the gateway client (secret checked when it has one);
 * 2. authorization_code: the code must be one the callback relayed for this
 *    client and redirect_uri (bound by its hash); code_verifier is required and
 *    passed through untouched — the IdP verifies PKCE;
 * 3. redirect_uri → the gateway callback, the profile's rewrites, the IdP
 *    client's authentication (basic/post as the IdP's metadata says);
 * 4. the IdP's status and JSON body go back as they are — except an IdP
 *    `invalid_client` (the gateway's own credentials), which becomes
 *    server_error so clients do not throw away their registration.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { safeEqual, sha256 } from "../admin/tokens";
import { profileFor, rewriteTokenParams } from "../providers";
import type { FacadeContext, FacadeDeps } from "./context";
import { InvalidClient, InvalidGrant, InvalidRequest, ServerError, UnsupportedGrantType } from "./errors";
import { readForm, sendOAuthJson } from "./http";
import type { OAuthClientRecord } from "./store";
import { postIdpToken, providerMetadata, idpClientFor } from "./idp-client";

function parseBasic(header: string): { id: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!m) return undefined;
  const raw = Buffer.from(m[1], "base64").toString("utf8");
  const i = raw.indexOf(":");
  if (i < 0) return undefined;
  try {
    const dec = (s: string) => decodeURIComponent(s.replace(/\+/g, " "));
    return { id: dec(raw.slice(0, i)), secret: dec(raw.slice(i + 1)) };
  } catch {
    return { id: raw.slice(0, i), secret: raw.slice(i + 1) };
  }
}

/** RFC 6749 §2.3: client authentication at the facade's token endpoint. */
export async function authenticateClient(
  req: IncomingMessage,
  form: Map<string, string>,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<OAuthClientRecord> {
  const header = req.headers.authorization;
  let id = form.get("client_id");
  let secret = form.get("client_secret");
  let basic = false;
  if (header) {
    const creds = parseBasic(header);
    if (!creds) throw new InvalidClient("malformed Authorization header", true);
    if (secret !== undefined) throw new InvalidRequest("use one client authentication method, not two");
    if (id !== undefined && id !== creds.id)
      throw new InvalidRequest("client_id does not match the Authorization header");
    ({ id, secret } = creds);
    basic = true;
  }
  if (!id) throw new InvalidClient("client authentication failed: no client_id", basic);
  const client = await deps.store.getClient(id);
  if (!client || client.providerName !== ctx.provider.name)
    throw new InvalidClient("client authentication failed: unknown client", basic);
  if (client.clientSecretHash) {
    if (!secret || !safeEqual(sha256(secret), client.clientSecretHash))
      throw new InvalidClient("client authentication failed", basic);
  }
  return client;
}

export async function handleToken(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  const form = await readForm(req);
  const client = await authenticateClient(req, form, ctx, deps);
  const grant = form.get("grant_type");
  const up = new URLSearchParams();

  if (grant === "authorization_code") {
    const code = form.get("code");
    const redirectUri = form.get("redirect_uri");
    const verifier = form.get("code_verifier");
    if (!code) throw new InvalidRequest("code is missing");
    if (!verifier) throw new InvalidRequest("code_verifier is missing (PKCE is required)");
    const binding = await deps.store.findByCodeHash(sha256(code));
    if (!binding || binding.providerName !== ctx.provider.name || binding.clientId !== client.clientId) {
      throw new InvalidGrant("the authorization code is unknown or was not issued to this client");
    }
    if (redirectUri === undefined || redirectUri !== binding.redirectUri)
      throw new InvalidGrant("redirect_uri does not match the authorization request");
    up.set("grant_type", "authorization_code");
    up.set("code", code);
    // The IdP saw the gateway's callback as redirect_uri: the same URL, as built at /authorize.
    up.set("redirect_uri", binding.facadeIssuer ? `${binding.facadeIssuer}/callback` : ctx.endpoint("callback"));
    up.set("code_verifier", verifier);
    const resource = form.get("resource") ?? binding.resource;
    if (resource) up.set("resource", resource);
  } else if (grant === "refresh_token") {
    const rt = form.get("refresh_token");
    if (!rt) throw new InvalidRequest("refresh_token is missing");
    up.set("grant_type", "refresh_token");
    up.set("refresh_token", rt);
    const scope = form.get("scope");
    if (scope) up.set("scope", scope);
    const resource = form.get("resource");
    if (resource) up.set("resource", resource);
  } else {
    throw new UnsupportedGrantType(grant ? `grant_type "${grant}" is not supported` : "grant_type is missing");
  }

  const meta = await providerMetadata(ctx.provider, deps);
  const idpClient = await idpClientFor(client, ctx.provider, meta, deps);
  rewriteTokenParams(up, profileFor(ctx.provider), { idpClientId: idpClient.clientId });
  const r = await postIdpToken(meta, up, idpClient, deps);

  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(r.body.toString("utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (!json) throw new ServerError(`the identity provider answered HTTP ${r.status} without a JSON body`, 502);
  if (json.error === "invalid_client" || json.error === "unauthorized_client") {
    deps.logger.error(
      { provider: ctx.provider.name, status: r.status, error: json.error },
      "the IdP rejected the gateway's client",
    );
    throw new ServerError(
      "the identity provider rejected the gateway's own client credentials (check the provider's clientId/clientSecret)",
      502,
    );
  }
  deps.logger.info(
    {
      provider: ctx.provider.name,
      clientId: client.clientId,
      grant,
      status: r.status,
      ...(json.error ? { error: json.error } : {}),
    },
    "token exchange relayed",
  );
  sendOAuthJson(res, r.status, json);
}
