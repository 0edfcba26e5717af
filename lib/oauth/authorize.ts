/**
 * GET /oauth/<p>/authorize and the consent form's POST. Steps, in order:
 * 1. a rate limit per client address (steps/authorize-limits.ts) — a page, no redirect;
 * 2. client_id known for this provider — registered, or an https URL naming a client ID
 *    metadata document (steps/cimd-client.ts) — and redirect_uri registered or listed there
 *    (exact; loopback: any port) and allowed for the servers (redirect-allowlist.ts)
 *    — failures here show an error page, never a redirect;
 * 3. a rate limit per client; response_type=code, PKCE S256, scope syntax, `resource` one
 *    of our servers — failures from here on go back to the (now trusted) redirect URI;
 * 4. consent: remembered per browser and client (steps/browser-id.ts) for the scopes and
 *    servers the user allowed (steps/remembered-consent.ts), else the consent page with a single-use, short-lived ticket bound to the browser (CSRF) that keeps the
 *    client's sign-in parameters (steps/login-params.ts);
 * 5. room for the flow (steps/flow-caps.ts), the IdP client's callback
 *    (steps/idp-callback.ts), a pending authorization keyed by a gateway-generated state and
 *    bound to this browser (the callback checks it), then the redirect to the IdP with the
 *    profile's rewrites.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomId, sha256 } from "../admin/tokens";
import { profileFor, rewriteAuthorizeParams } from "../providers";
import type { FacadeContext, FacadeDeps } from "./context";
import { redirectAllowlist, serverForResource, serverResources } from "./context";
import { InvalidRequest, InvalidScope, InvalidTarget, OAuthError, PageError, UnsupportedResponseType } from "./errors";
import { renderConsentPage, sendErrorPage, sendPage } from "./html";
import { readForm, redirect, uniqueParams } from "./http";
import { isLoopbackHost, matchRedirectUri } from "./redirect-uri";
import { compileAllowlist, redirectAllowed } from "./redirect-allowlist";
import { looksLikeClientIdUrl } from "./cimd/client-id-url";
import { presentedClientId } from "./cimd/client-ids";
import { CimdError } from "./cimd/errors";
import { documentRedirectUri } from "./cimd/resolver";
import type { ClientMetadataDocument } from "./cimd/validate-document";
import { cimdClientFor } from "./steps/cimd-client";
import type { OAuthClientRecord, PendingRecord } from "./store";
import { providerMetadata, idpClientFor } from "./idp-client";
import { limitAuthorizeByAddress, limitAuthorizeByClient } from "./steps/authorize-limits";
import { browserIdFor, isSameBrowser, type BrowserId } from "./steps/browser-id";
import { ensureRoomForFlow } from "./steps/flow-caps";
import { checkIdpCallbackForAuthorize } from "./steps/idp-callback";
import { applyLoginParams, loginParamsOf } from "./steps/login-params";
import { consentCovers, requestedServers } from "./steps/remembered-consent";

const CHALLENGE_RE = /^[A-Za-z0-9_-]{43,128}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_STATE = 2048;

type AuthzRequest = Pick<
  PendingRecord,
  | "providerName"
  | "clientId"
  | "redirectUri"
  | "clientState"
  | "codeChallenge"
  | "codeChallengeMethod"
  | "scope"
  | "resource"
  | "facadeIssuer"
  | "loginParams"
>;

/** Relays an error to the client's (validated) redirect URI (RFC 6749 §4.1.2.1, RFC 9207 `iss`). */
export function errorRedirectUrl(
  redirectUri: string,
  e: { error: string; description?: string },
  state: string | undefined,
  issuer: string,
): string {
  const u = new URL(redirectUri);
  u.searchParams.set("error", e.error);
  if (e.description) u.searchParams.set("error_description", e.description);
  if (state !== undefined) u.searchParams.set("state", state);
  u.searchParams.set("iss", issuer);
  return u.href;
}

function validateClientAndRedirect(
  q: Map<string, string>,
  client: OAuthClientRecord | null,
  ctx: FacadeContext,
  document?: ClientMetadataDocument,
): string {
  if (!client || client.providerName !== ctx.provider.name)
    throw new PageError("Unknown client", "The application is not registered with this gateway (unknown client_id).");
  const presented = document ? documentRedirect(document, q.get("redirect_uri")) : q.get("redirect_uri");
  if (presented === undefined) {
    if (client.redirectUris.length === 1) return client.redirectUris[0];
    throw new PageError(
      "Missing redirect URI",
      "The request has no redirect_uri and the application registered several.",
    );
  }
  if (!matchRedirectUri(presented, client.redirectUris)) {
    throw new PageError(
      "Invalid redirect URI",
      "The redirect_uri is not one the application registered. For your safety the gateway does not redirect there.",
    );
  }
  const allow = redirectAllowlist(ctx);
  if (allow.length && !redirectAllowed(presented, compileAllowlist(allow))) {
    throw new PageError(
      "Redirect URI not allowed",
      "The redirect_uri is not in the gateway's allowed redirect URIs for this server.",
    );
  }
  return presented;
}

function validateRequest(
  q: Map<string, string>,
  client: OAuthClientRecord,
  redirectUri: string,
  ctx: FacadeContext,
  deps: FacadeDeps,
): AuthzRequest {
  const rt = q.get("response_type");
  if (rt !== "code") throw new UnsupportedResponseType(`response_type must be "code"${rt ? `, got "${rt}"` : ""}`);
  const challenge = q.get("code_challenge");
  const method = q.get("code_challenge_method");
  if (!challenge) throw new InvalidRequest("PKCE is required: code_challenge is missing");
  if (method !== "S256")
    throw new InvalidRequest(
      `PKCE code_challenge_method must be S256${method ? `, got "${method}"` : " (plain is not accepted)"}`,
    );
  if (!CHALLENGE_RE.test(challenge)) throw new InvalidRequest("code_challenge is not a base64url S256 challenge");
  const scope = q.get("scope")?.trim() || undefined;
  if (scope && (scope.length > 2000 || !scope.split(/ +/).every((s) => SCOPE_TOKEN.test(s))))
    throw new InvalidScope("scope is malformed");
  const resource = q.get("resource");
  if (resource !== undefined) {
    if (!URL.canParse(resource) || new URL(resource).hash)
      throw new InvalidTarget("resource must be an absolute URI without a fragment");
    if (!serverForResource(ctx, resource, deps.publicUrl))
      throw new InvalidTarget("resource is not a server protected by this authorization server");
  }
  return {
    redirectUri,
    clientState: q.get("state"),
    providerName: ctx.provider.name,
    clientId: client.clientId,
    codeChallenge: challenge,
    codeChallengeMethod: method,
    scope,
    resource,
    facadeIssuer: ctx.issuer,
    loginParams: loginParamsOf(q),
  };
}

/** A client metadata document that cannot be used: a page, never a redirect (the redirect URI is not trusted). */
const cimdPageError = (e: unknown) =>
  e instanceof CimdError ? new PageError("Application not accepted", `${e.message}.`, 400, "client_document") : e;

/** The client a request names: registered (DCR), or known by its metadata document. */
async function clientOf(
  clientId: string,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<{ client: OAuthClientRecord | null; document?: ClientMetadataDocument }> {
  if (!looksLikeClientIdUrl(clientId)) return { client: await deps.store.getClient(clientId) };
  try {
    return await cimdClientFor(clientId, ctx, deps);
  } catch (e) {
    throw cimdPageError(e);
  }
}

/** The redirect URI of a request by a document client: one the document lists. */
function documentRedirect(document: ClientMetadataDocument, presented: string | undefined): string {
  try {
    return documentRedirectUri(document, presented);
  } catch (e) {
    throw cimdPageError(e);
  }
}

/** An OAuth error to send back to the client's validated redirect URI. */
class RedirectError extends Error {
  constructor(
    readonly cause: OAuthError,
    readonly redirectUri: string,
    readonly clientState: string | undefined,
  ) {
    super(cause.description);
  }
}

/** Runs steps whose OAuth errors go back to the client's redirect URI. */
async function toClientOnError<T>(a: Pick<AuthzRequest, "redirectUri" | "clientState">, fn: () => Promise<T> | T) {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OAuthError) throw new RedirectError(e, a.redirectUri, a.clientState);
    throw e;
  }
}

/** Stores the pending authorization, bound to this browser, and redirects the browser to the IdP. */
async function redirectToIdp(
  res: ServerResponse,
  a: AuthzRequest,
  browser: BrowserId,
  client: OAuthClientRecord,
  ctx: FacadeContext,
  deps: FacadeDeps,
  status = 302,
) {
  checkIdpCallbackForAuthorize(client, ctx);
  await ensureRoomForFlow("idp", client.clientId, ctx, deps);
  const meta = await providerMetadata(ctx.provider, deps);
  const idpClient = await idpClientFor(client, ctx.provider, meta, deps);
  const state = randomId();
  const { loginParams, ...rest } = a;
  await deps.store.createPending({
    ...rest,
    stateHash: sha256(state),
    kind: "idp",
    browserIdHash: browser.idHash,
    expiresAt: new Date(deps.now() + deps.limits.pendingTtlMs),
  });

  const url = new URL(meta.authorizationEndpoint);
  const p = url.searchParams;
  p.set("response_type", "code");
  p.set("client_id", idpClient.clientId);
  p.set("redirect_uri", ctx.endpoint("callback"));
  p.set("state", state);
  p.set("code_challenge", a.codeChallenge);
  p.set("code_challenge_method", "S256");
  if (a.scope) p.set("scope", a.scope);
  if (a.resource) p.set("resource", a.resource);
  applyLoginParams(p, loginParams);
  const rewrites = rewriteAuthorizeParams(p, profileFor(ctx.provider), {
    idpClientId: idpClient.clientId,
    extraScopes: ctx.provider.scopes,
  });
  deps.logger.debug(
    { provider: ctx.provider.name, clientId: client.clientId, rewrites },
    "authorization relayed to the IdP",
  );
  redirect(res, url.href, status, browser.setCookie ? { "set-cookie": browser.setCookie } : {});
}

async function withErrors(res: ServerResponse, ctx: FacadeContext, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof PageError) {
      ctx.refusal = e.reason;
      return sendErrorPage(res, e.status, e.title, e.message, e.headers);
    }
    if (e instanceof RedirectError) {
      ctx.refusal = e.cause.reason;
      return redirect(
        res,
        errorRedirectUrl(
          e.redirectUri,
          { error: e.cause.error, description: e.cause.description },
          e.clientState,
          ctx.issuer,
        ),
      );
    }
    throw e;
  }
}

/** Shows the consent page with a ticket that only this browser can post, within a short lifetime. */
async function showConsentPage(
  res: ServerResponse,
  a: AuthzRequest,
  browser: BrowserId,
  client: OAuthClientRecord,
  ctx: FacadeContext,
  deps: FacadeDeps,
) {
  await ensureRoomForFlow("consent", client.clientId, ctx, deps);
  const ticket = randomId();
  await deps.store.createPending({
    ...a,
    stateHash: sha256(ticket),
    kind: "consent",
    browserIdHash: browser.idHash,
    expiresAt: new Date(deps.now() + deps.limits.consentTtlMs),
  });
  const servers = requestedServers(a, ctx, deps);
  const resources = serverResources(ctx, deps.publicUrl);
  const html = renderConsentPage({
    action: ctx.endpoint("authorize"),
    ticket,
    clientName: client.clientName,
    clientId: presentedClientId(client.clientId),
    documentHost: looksLikeClientIdUrl(client.clientId) ? new URL(presentedClientId(client.clientId)).host : undefined,
    loopbackOnly: client.redirectUris.every((u) => URL.canParse(u) && isLoopbackHost(new URL(u).hostname)),
    clientUri: typeof client.metadata.client_uri === "string" ? client.metadata.client_uri : undefined,
    redirectUri: a.redirectUri,
    providerLabel:
      profileFor(ctx.provider).label === "Generic OAuth 2.0 / OpenID Connect"
        ? new URL(ctx.provider.issuer).host
        : profileFor(ctx.provider).label,
    servers: servers.map((s) => ({
      name: s.name,
      title: s.resourceMetadata.resourceName,
      resource:
        a.resource && s === servers[0] && servers.length === 1
          ? a.resource
          : (resources.find((r) => r.server === s)?.resource ?? s.effectivePath),
    })),
    scopes: (a.scope ?? "").split(" ").filter(Boolean),
  });
  sendPage(res, 200, html, browser.setCookie ? { "set-cookie": browser.setCookie } : {});
}

export async function handleAuthorize(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  await withErrors(res, ctx, async () => {
    let q: Map<string, string>;
    try {
      q = uniqueParams(url.searchParams);
    } catch (e) {
      throw new PageError("Invalid request", (e as Error).message);
    }
    await limitAuthorizeByAddress(req, deps);
    const clientId = q.get("client_id");
    if (!clientId) throw new PageError("Invalid request", "client_id is missing.");
    const { client, document } = await clientOf(clientId, ctx, deps);
    const redirectUri = validateClientAndRedirect(q, client, ctx, document);
    checkIdpCallbackForAuthorize(client!, ctx); // before the consent page: this flow could not finish
    const state = q.get("state");
    if (state !== undefined && state.length > MAX_STATE) throw new InvalidRequest("state is too long");
    const a = await toClientOnError({ redirectUri, clientState: state }, async () => {
      await limitAuthorizeByClient(client!.clientId, deps);
      return validateRequest(q, client!, redirectUri, ctx, deps);
    });

    const browser = browserIdFor(req, ctx);
    const consent = browser.setCookie ? null : await deps.store.getConsent(browser.idHash, client!.clientId);
    await toClientOnError(a, async () => {
      if (consent && consentCovers(consent, a, ctx, deps)) return redirectToIdp(res, a, browser, client!, ctx, deps);
      return showConsentPage(res, a, browser, client!, ctx, deps);
    });
  });
}

/** POST /oauth/<p>/authorize: the consent form (ticket + decision). */
export async function handleConsent(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  await withErrors(res, ctx, async () => {
    // A cross-site form post is refused even before the ticket is looked at.
    const origin = req.headers.origin;
    if (origin && origin !== "null" && origin !== ctx.base.origin)
      throw new PageError("Request refused", "The consent form was submitted from another site.", 403);
    if (req.headers["sec-fetch-site"] && !["same-origin", "none"].includes(String(req.headers["sec-fetch-site"]))) {
      throw new PageError("Request refused", "The consent form was submitted from another site.", 403);
    }
    let form: Map<string, string>;
    try {
      form = await readForm(req, 16 * 1024);
    } catch (e) {
      throw new PageError("Invalid request", (e as Error).message);
    }
    const ticket = form.get("consent_ticket");
    const decision = form.get("decision");
    if (!ticket || (decision !== "approve" && decision !== "deny"))
      throw new PageError("Invalid request", "The consent form is incomplete.");
    const pending = await deps.store.consumePending(sha256(ticket), "consent", ctx.provider.name, new Date(deps.now()));
    if (!pending) throw new PageError("Consent expired", "This consent page has expired or was already used.");
    if (!isSameBrowser(req, ctx, pending.browserIdHash))
      throw new PageError(
        "Request refused",
        "This consent page was issued to another browser.",
        403,
        "browser_mismatch",
      );
    const client = await deps.store.getClient(pending.clientId);
    if (!client) throw new PageError("Unknown client", "The application is no longer registered.");
    if (decision === "deny") {
      return redirect(
        res,
        errorRedirectUrl(
          pending.redirectUri,
          { error: "access_denied", description: "the user denied the request" },
          pending.clientState,
          pending.facadeIssuer,
        ),
        303,
      );
    }
    await deps.store.saveConsent({
      browserIdHash: pending.browserIdHash!,
      clientId: client.clientId,
      providerName: ctx.provider.name,
      scope: pending.scope ?? "",
      servers: requestedServers(pending, ctx, deps).map((s) => s.name),
    });
    const a: AuthzRequest = {
      providerName: pending.providerName,
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      clientState: pending.clientState,
      codeChallenge: pending.codeChallenge,
      codeChallengeMethod: pending.codeChallengeMethod,
      scope: pending.scope,
      resource: pending.resource,
      facadeIssuer: pending.facadeIssuer,
      loginParams: pending.loginParams,
    };
    await toClientOnError(a, () => redirectToIdp(res, a, { idHash: pending.browserIdHash! }, client, ctx, deps, 303));
  });
}
