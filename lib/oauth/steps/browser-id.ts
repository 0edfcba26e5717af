/**
 * The browser a flow belongs to: a random id in the `portcullis_oauth_browser` cookie
 * (`__Host-portcullis_oauth_browser`, Secure, on https: lib/http/cookies.ts), minted at
 * /authorize. Only its SHA-256 is stored: with the consent ticket (the form must be posted
 * from that browser), with the IdP flow (the callback must arrive in that browser) and with
 * remembered consent (per browser and client).
 */
import type { IncomingMessage } from "node:http";
import { randomId, safeEqual, sha256 } from "../../admin/tokens";
import { gatewayCookie, readGatewayCookie } from "../../http/cookies";
import type { FacadeContext } from "../context";

const BROWSER_COOKIE = "portcullis_oauth_browser";
const ID_RE = /^[A-Za-z0-9_-]{32,64}$/;
const ONE_YEAR_SECONDS = 365 * 86_400;

export type BrowserId = { idHash: string; setCookie?: string };

const secure = (ctx: Pick<FacadeContext, "base">) => ctx.base.protocol === "https:";

/** The browser id this request carries (only the cookie name for the public URL's scheme counts). */
function presented(req: Pick<IncomingMessage, "headers">, ctx: Pick<FacadeContext, "base">): string | undefined {
  const id = readGatewayCookie(req.headers.cookie, BROWSER_COOKIE, secure(ctx));
  return id && ID_RE.test(id) ? id : undefined;
}

/** The request's browser, or a new one and the Set-Cookie that hands it to the browser. */
export function browserIdFor(req: Pick<IncomingMessage, "headers">, ctx: Pick<FacadeContext, "base">): BrowserId {
  const id = presented(req, ctx);
  if (id) return { idHash: sha256(id) };
  const fresh = randomId();
  return {
    idHash: sha256(fresh),
    setCookie: gatewayCookie(BROWSER_COOKIE, fresh, { secure: secure(ctx), maxAgeSeconds: ONE_YEAR_SECONDS }),
  };
}

/** Is this request from the browser whose id hash a flow recorded? False when either is missing. */
export function isSameBrowser(
  req: Pick<IncomingMessage, "headers">,
  ctx: Pick<FacadeContext, "base">,
  recordedHash: string | undefined,
): boolean {
  const id = presented(req, ctx);
  return Boolean(id && recordedHash && safeEqual(sha256(id), recordedHash));
}
