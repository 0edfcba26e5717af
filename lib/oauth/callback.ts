/**
 * GET /oauth/<p>/callback: the IdP's redirect back to the gateway.
 * 1. consume the pending authorization named by `state` (single use, atomic,
 *    any replica) — unknown/expired/replayed → an error page, never a redirect;
 * 2. the request must come from the browser that started the flow and consented
 *    (steps/browser-id.ts) — else an error page, no redirect, and the flow stays spent:
 *    an IdP link handed to someone else never relays their code to the link's author;
 * 3. RFC 9207: if the IdP sent `iss`, it must be the IdP's issuer;
 * 4. relay to the client's registered redirect URI (its own query kept) with
 *    `code` or the IdP's error, the client's original `state`, and
 *    `iss` = the facade issuer. The code's hash is kept to bind it to the
 *    client at the token endpoint.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sha256 } from "../admin/tokens";
import type { FacadeContext, FacadeDeps } from "./context";
import { sendErrorPage } from "./html";
import { redirect } from "./http";
import { getProviderMetadata } from "../providers";
import { isSameBrowser } from "./steps/browser-id";

const ERROR_CODE_RE = /^[\x20-\x21\x23-\x5B\x5D-\x7E]{1,64}$/;
/** A relayed code stays bound to its client this long, however long the user spent at the IdP. */
const CODE_BINDING_MS = 10 * 60_000;

export async function handleCallback(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: FacadeContext,
  deps: FacadeDeps,
): Promise<void> {
  const q = url.searchParams;
  const state = q.get("state");
  if (!state || q.getAll("state").length !== 1 || state.length > 512) {
    return sendErrorPage(
      res,
      400,
      "Invalid callback",
      "The identity provider's response has no valid state. Nothing was forwarded.",
    );
  }
  const code = q.get("code");
  const error = q.get("error");
  const stateHash = sha256(state);
  const pending = await deps.store.consumePending(stateHash, "idp", ctx.provider.name, new Date(deps.now()));
  if (!pending) {
    deps.logger.warn({ provider: ctx.provider.name }, "callback with an unknown, expired or already used state");
    return sendErrorPage(
      res,
      400,
      "Authorization expired",
      "This sign-in response is unknown, expired or was already used. Nothing was forwarded.",
    );
  }
  if (!isSameBrowser(req, ctx, pending.browserIdHash)) {
    ctx.refusal = "browser_mismatch";
    deps.logger.warn(
      { provider: ctx.provider.name, clientId: pending.clientId },
      "callback from a browser that did not start this sign-in: nothing relayed, the flow is spent",
    );
    return sendErrorPage(
      res,
      403,
      "Sign-in not started here",
      "This sign-in response belongs to a sign-in that was started in another browser (or at another address of this gateway). Nothing was forwarded. If you did not start a sign-in, someone may have sent you this link: close this page.",
    );
  }
  const target = new URL(pending.redirectUri);
  const p = target.searchParams;
  const issuer = pending.facadeIssuer || ctx.issuer;

  let relayError: { error: string; description?: string; uri?: string } | undefined;
  const iss = q.get("iss");
  let expected = ctx.provider.issuer;
  let issAdvertised = false;
  try {
    const meta = await getProviderMetadata(ctx.provider, deps.providerDeps);
    expected = meta.issuer;
    issAdvertised = meta.document.authorization_response_iss_parameter_supported === true;
  } catch {
    /* fall back to the configured issuer */
  }
  if (iss === null && issAdvertised) {
    // RFC 9207 §2.4: an IdP that advertises `iss` must send it.
    deps.logger.warn({ provider: ctx.provider.name }, "callback without iss although the IdP advertises it");
    relayError = {
      error: "server_error",
      description: "the identity provider's response lacks the iss parameter it advertises",
    };
  }
  if (iss !== null) {
    if (iss !== expected) {
      deps.logger.warn(
        { provider: ctx.provider.name, iss, expected },
        "callback iss does not match the IdP issuer (mix-up?)",
      );
      relayError = {
        error: "server_error",
        description: "the identity provider's response carried an unexpected issuer",
      };
    }
  }
  if (!relayError && error !== null) {
    relayError = {
      error: ERROR_CODE_RE.test(error) ? error : "server_error",
      description: q.get("error_description")?.slice(0, 500) ?? undefined,
      uri: q.get("error_uri") ?? undefined,
    };
  }
  if (!relayError && !code)
    relayError = { error: "server_error", description: "the identity provider returned neither a code nor an error" };

  if (relayError) {
    p.set("error", relayError.error);
    if (relayError.description) p.set("error_description", relayError.description);
    if (relayError.uri && /^https?:\/\//.test(relayError.uri)) p.set("error_uri", relayError.uri);
  } else {
    await deps.store.bindCode(stateHash, sha256(code!), new Date(deps.now() + CODE_BINDING_MS));
    p.set("code", code!);
  }
  if (pending.clientState !== undefined) p.set("state", pending.clientState);
  p.set("iss", issuer);
  redirect(res, target.href);
}
