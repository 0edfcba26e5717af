/**
 * POST /oauth/<p>/token (authorization_code, refresh_token). Steps, each in steps/:
 * 1. authenticate the gateway client (client-auth.ts; secret checked when it has one);
 * 2. authorization_code: the code must be one the callback relayed for this client and
 *    redirect_uri (code-binding.ts); PKCE S256 is verified here (pkce.ts) before the IdP is
 *    asked; `resource` must be the authorized one (token-resource.ts); the IdP client must be
 *    the one registered for the code's callback (idp-callback.ts);
 *    refresh_token: the token must be one the facade relayed to this very client
 *    (refresh-binding.ts), its `scope` within what was granted (refresh-scope.ts), its
 *    `resource` one of the provider's servers and the authorized one, if the sign-in named one;
 * 3. redirect_uri → the gateway callback, the profile's rewrites, the IdP client's
 *    authentication (basic/post as the IdP's metadata says);
 * 4. the IdP's status and JSON body go back as they are — except an IdP `invalid_client`
 *    (the gateway's own credentials), which becomes server_error so clients do not throw away
 *    their registration; a refresh token in a successful answer is remembered for its client
 *    (remember-refresh-token.ts), and the client's last use recorded (client-lifecycle.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { profileFor, rewriteTokenParams } from "../providers";
import type { FacadeContext, FacadeDeps } from "./context";
import { ServerError, UnsupportedGrantType } from "./errors";
import { readForm, sendOAuthJson } from "./http";
import { postIdpToken, providerMetadata, idpClientFor } from "./idp-client";
import { authenticateClient } from "./steps/client-auth";
import { findCodeBinding } from "./steps/code-binding";
import { checkIdpCallbackForToken } from "./steps/idp-callback";
import { verifyPkce } from "./steps/pkce";
import { findRefreshBinding } from "./steps/refresh-binding";
import { checkRefreshScope } from "./steps/refresh-scope";
import { rememberRefreshToken } from "./steps/remember-refresh-token";
import { checkTokenResource } from "./steps/token-resource";

/** The checked request to relay, and what to remember once the IdP answers. */
type TokenRequest = {
  params: URLSearchParams;
  remember: Omit<Parameters<typeof rememberRefreshToken>[1], "client">;
};

async function codeGrant(
  form: Map<string, string>,
  client: Awaited<ReturnType<typeof authenticateClient>>,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<TokenRequest> {
  const binding = await findCodeBinding(form, client, ctx, deps);
  const verifier = verifyPkce(form.get("code_verifier"), binding.codeChallenge);
  const resource = checkTokenResource(form.get("resource"), binding.resource, ctx, deps);
  // The IdP saw the gateway's callback as redirect_uri: the same URL, as built at /authorize.
  const callback = binding.facadeIssuer ? `${binding.facadeIssuer}/callback` : ctx.endpoint("callback");
  checkIdpCallbackForToken(client, callback);
  const params = new URLSearchParams({
    grant_type: "authorization_code",
    code: binding.code,
    redirect_uri: callback,
    code_verifier: verifier,
  });
  if (resource) params.set("resource", resource);
  // The refresh token is bound to what the user consented to: the authorized resource, or every server.
  return { params, remember: { consented: binding.scope, resource: binding.resource } };
}

async function refreshGrant(
  form: Map<string, string>,
  client: Awaited<ReturnType<typeof authenticateClient>>,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<TokenRequest> {
  const binding = await findRefreshBinding(form, client, ctx, deps);
  const scope = form.get("scope");
  checkRefreshScope(scope, binding);
  const presented = form.get("resource");
  if (presented !== undefined) checkTokenResource(presented, binding.resource, ctx, deps);
  const params = new URLSearchParams({ grant_type: "refresh_token", refresh_token: binding.token });
  if (scope) params.set("scope", scope);
  if (presented) params.set("resource", presented);
  return { params, remember: { consented: binding.scope, resource: binding.resource, previous: binding } };
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
  let request: TokenRequest;
  if (grant === "authorization_code") request = await codeGrant(form, client, ctx, deps);
  else if (grant === "refresh_token") request = await refreshGrant(form, client, ctx, deps);
  else throw new UnsupportedGrantType(grant ? `grant_type "${grant}" is not supported` : "grant_type is missing");

  const meta = await providerMetadata(ctx.provider, deps);
  const idpClient = await idpClientFor(client, ctx.provider, meta, deps);
  rewriteTokenParams(request.params, profileFor(ctx.provider), { idpClientId: idpClient.clientId });
  const r = await postIdpToken(meta, request.params, idpClient, deps);

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
  if (r.status === 200 && !json.error) {
    await rememberRefreshToken(json, { client, ...request.remember }, ctx, deps);
    await deps.lifecycle.markUsed(client.clientId, new Date(deps.now()));
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
