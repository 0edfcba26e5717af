/**
 * GET /oauth/<p>/authorize and the consent form's POST. Steps, in order:
 * 1. client_id known for this provider, redirect_uri registered (exact; loopback:
 *    any port) — failures here show an error page, never a redirect;
 * 2. response_type=code, PKCE S256, scope syntax, `resource` one of our servers —
 *    failures from here on go back to the (now trusted) redirect URI;
 * 3. consent: remembered per browser (cookie) and client, else the consent
 *    page with a single-use ticket bound to the browser (CSRF);
 * 4. a pending authorization keyed by a gateway-generated state, then the
 *    redirect to the IdP with the profile's rewrites.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomId, sha256 } from "../admin/tokens";
import { profileFor, rewriteAuthorizeParams } from "../providers";
import type { FacadeContext, FacadeDeps } from "./context";
import { redirectAllowlist, serverForResource, serverResources } from "./context";
import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  OAuthError,
  TemporarilyUnavailable,
  UnsupportedResponseType,
} from "./errors";
import { renderConsentPage, sendErrorPage, sendPage } from "./html";
import { BROWSER_COOKIE, browserCookie, readCookie, readForm, redirect, uniqueParams } from "./http";
import { matchRedirectUri } from "./redirect-uri";
import type { OAuthClientRecord, PendingRecord } from "./store";
import { providerMetadata, idpClientFor } from "./idp-client";

const CHALLENGE_RE = /^[A-Za-z0-9_-]{43,128}$/;
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const MAX_STATE = 2048;
/** Client parameters forwarded to the IdP as they are (harmless UI hints). */
const FORWARDED = ["prompt", "login_hint", "ui_locales", "max_age"];

type AuthzRequest = Omit<
  PendingRecord,
  "stateHash" | "kind" | "createdAt" | "expiresAt" | "consumedAt" | "codeHash" | "browserIdHash"
> & {
  forwarded: Record<string, string>;
};

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
): string {
  if (!client || client.providerName !== ctx.provider.name)
    throw new PageError("Unknown client", "The application is not registered with this gateway (unknown client_id).");
  const presented = q.get("redirect_uri");
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
  if (allow.length && !matchRedirectUri(presented, allow)) {
    throw new PageError(
      "Redirect URI not allowed",
      "The redirect_uri is not in the gateway's allowed redirect URIs for this server.",
    );
  }
  return presented;
}

/** Errors that must be shown on a page (no trustworthy redirect URI yet). */
export class PageError extends Error {
  constructor(
    readonly title: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function validateRequest(
  q: Map<string, string>,
  client: OAuthClientRecord,
  redirectUri: string,
  ctx: FacadeContext,
  deps: FacadeDeps,
): AuthzRequest {
  const state = q.get("state");
  if (state !== undefined && state.length > MAX_STATE) throw new InvalidRequest("state is too long");
  const base = { redirectUri, clientState: state };
  try {
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
      let ok = false;
      try {
        const u = new URL(resource);
        ok = !u.hash;
      } catch {
        ok = false;
      }
      if (!ok) throw new InvalidTarget("resource must be an absolute URI without a fragment");
      if (!serverForResource(ctx, resource, deps.publicUrl))
        throw new InvalidTarget("resource is not a server protected by this authorization server");
    }
    const forwarded: Record<string, string> = {};
    for (const k of FORWARDED) {
      const v = q.get(k);
      if (v !== undefined && v.length <= 256) forwarded[k] = v;
    }
    return {
      ...base,
      providerName: ctx.provider.name,
      clientId: client.clientId,
      codeChallenge: challenge,
      codeChallengeMethod: method,
      scope,
      resource,
      facadeIssuer: ctx.issuer,
      forwarded,
    };
  } catch (e) {
    if (e instanceof OAuthError) throw new RedirectError(e, base.redirectUri, base.clientState);
    throw e;
  }
}

class RedirectError extends Error {
  constructor(
    readonly cause: OAuthError,
    readonly redirectUri: string,
    readonly clientState: string | undefined,
  ) {
    super(cause.description);
  }
}

const scopeCovered = (requested: string | undefined, granted: string) => {
  const g = new Set(granted.split(" ").filter(Boolean));
  return (requested ?? "")
    .split(" ")
    .filter(Boolean)
    .every((s) => g.has(s));
};

/** Stores the pending authorization and redirects the browser to the IdP. */
async function redirectToIdp(
  res: ServerResponse,
  a: AuthzRequest,
  client: OAuthClientRecord,
  ctx: FacadeContext,
  deps: FacadeDeps,
  headers: Record<string, string | string[]> = {},
  status = 302,
) {
  const now = deps.now();
  if ((await deps.store.countActivePending(ctx.provider.name, new Date(now))) >= deps.limits.maxPendingPerProvider) {
    throw new TemporarilyUnavailable("too many authorizations in flight; try again shortly", 30);
  }
  const meta = await providerMetadata(ctx.provider, deps);
  const idpClient = await idpClientFor(client, ctx.provider, meta, deps);
  const state = randomId();
  const { forwarded, ...rest } = a;
  await deps.store.createPending({
    ...rest,
    stateHash: sha256(state),
    kind: "idp",
    expiresAt: new Date(now + deps.limits.pendingTtlMs),
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
  for (const [k, v] of Object.entries(forwarded)) p.set(k, v);
  const rewrites = rewriteAuthorizeParams(p, profileFor(ctx.provider), {
    idpClientId: idpClient.clientId,
    extraScopes: ctx.provider.scopes,
  });
  deps.logger.debug(
    { provider: ctx.provider.name, clientId: client.clientId, rewrites },
    "authorization relayed to the IdP",
  );
  redirect(res, url.href, status, headers);
}

function browserId(req: IncomingMessage, ctx: FacadeContext): { id: string; setCookie?: string } {
  const existing = readCookie(req, BROWSER_COOKIE);
  if (existing && /^[A-Za-z0-9_-]{32,64}$/.test(existing)) return { id: existing };
  const id = randomId();
  return { id, setCookie: browserCookie(id, ctx.base.protocol === "https:") };
}

async function withErrors(res: ServerResponse, ctx: FacadeContext, fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    if (e instanceof PageError) return sendErrorPage(res, e.status, e.title, e.message);
    if (e instanceof RedirectError) {
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
    const clientId = q.get("client_id");
    if (!clientId) throw new PageError("Invalid request", "client_id is missing.");
    const client = await deps.store.getClient(clientId);
    const redirectUri = validateClientAndRedirect(q, client, ctx);
    const a = validateRequest(q, client!, redirectUri, ctx, deps);

    const b = browserId(req, ctx);
    const headers: Record<string, string | string[]> = b.setCookie ? { "set-cookie": b.setCookie } : {};
    const consent = b.setCookie ? null : await deps.store.getConsent(sha256(b.id), client!.clientId);
    try {
      if (consent && consent.providerName === ctx.provider.name && scopeCovered(a.scope, consent.scope)) {
        return await redirectToIdp(res, a, client!, ctx, deps, headers);
      }
      const ticket = randomId();
      const { forwarded: _f, ...rest } = a;
      await deps.store.createPending({
        ...rest,
        stateHash: sha256(ticket),
        kind: "consent",
        browserIdHash: sha256(b.id),
        expiresAt: new Date(deps.now() + deps.limits.pendingTtlMs),
      });
      const servers = a.resource ? [serverForResource(ctx, a.resource, deps.publicUrl)!] : ctx.servers;
      const resources = serverResources(ctx, deps.publicUrl);
      const html = renderConsentPage({
        action: ctx.endpoint("authorize"),
        ticket,
        clientName: client!.clientName,
        clientId: client!.clientId,
        clientUri: typeof client!.metadata.client_uri === "string" ? client!.metadata.client_uri : undefined,
        redirectUri,
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
      sendPage(res, 200, html, headers);
    } catch (e) {
      if (e instanceof OAuthError) throw new RedirectError(e, a.redirectUri, a.clientState);
      throw e;
    }
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
    const cookie = readCookie(req, BROWSER_COOKIE);
    const pending = await deps.store.consumePending(sha256(ticket), "consent", ctx.provider.name, new Date(deps.now()));
    if (!pending) throw new PageError("Consent expired", "This consent page has expired or was already used.");
    if (!cookie || pending.browserIdHash !== sha256(cookie))
      throw new PageError("Request refused", "This consent page was issued to another browser.", 403);
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
      forwarded: {},
    };
    try {
      await redirectToIdp(res, a, client, ctx, deps, {}, 303);
    } catch (e) {
      if (e instanceof OAuthError) throw new RedirectError(e, a.redirectUri, a.clientState);
      throw e;
    }
  });
}
