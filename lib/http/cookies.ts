/**
 * The gateway's own cookies (console session, OAuth browser id): named `portcullis_*`, HttpOnly,
 * SameSite=Lax, Path=/, no Domain. When the public URL is https their names carry the `__Host-`
 * prefix and they are Secure: a browser then takes them only from this very host over https, so
 * another site, a sibling subdomain or a plain-http response cannot plant one (RFC 6265bis
 * §4.1.3.2). Only the name for the request's scheme is read: on https a bare `portcullis_*`
 * cookie, which anyone on the registrable domain can set, is ignored.
 */
import { parse, serialize } from "cookie";

export const gatewayCookieName = (name: string, secure: boolean) => (secure ? `__Host-${name}` : name);

/** The value of one gateway cookie from a Cookie header, or undefined. */
export function readGatewayCookie(
  header: string | string[] | undefined,
  name: string,
  secure: boolean,
): string | undefined {
  const raw = Array.isArray(header) ? header.join("; ") : header;
  if (!raw) return undefined;
  return parse(raw)[gatewayCookieName(name, secure)] || undefined;
}

/** A Set-Cookie value for a gateway cookie (maxAgeSeconds 0 deletes it). */
export function gatewayCookie(name: string, value: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return serialize(gatewayCookieName(name, opts.secure), value, {
    httpOnly: true,
    sameSite: "lax",
    secure: opts.secure,
    path: "/",
    maxAge: opts.maxAgeSeconds,
  });
}
