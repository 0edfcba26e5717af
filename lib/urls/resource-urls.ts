/**
 * The URLs the gateway publishes for a virtual server, built from a public
 * base (lib/urls/public-base.ts) with the URL API:
 * - the resource identifier (RFC 9728 §1.2): base + server path, no trailing slash;
 * - its metadata URL (RFC 9728 §3.1): `/.well-known/oauth-protected-resource`
 *   inserted between the host and the path, so a base prefix goes AFTER the
 *   well-known segment (`https://x/.well-known/oauth-protected-resource/gw/servers/a/mcp`).
 *   The gateway also answers the prefix-first form (`https://x/gw/.well-known/…`),
 *   which is what a prefix-stripping proxy forwards;
 * - the facade issuer `<base>/oauth/<provider>` (proxy mode).
 */
import { joinBase, urlString } from "./public-base";

export const PRM_WELL_KNOWN = "/.well-known/oauth-protected-resource";

/** `https://mcp.example.com/servers/fetcher/mcp` */
export function resourceUrl(base: URL, serverPath: string): string {
  return urlString(joinBase(base, serverPath));
}

/** RFC 9728 §3.1 metadata URL of a resource. */
export function metadataUrl(base: URL, serverPath: string): string {
  const prefix = base.pathname.replace(/\/+$/, "");
  return urlString(joinBase(new URL(base.origin), `${PRM_WELL_KNOWN}${prefix}${serverPath}`));
}

/** The gateway's own authorization-server facade for a provider (proxy mode). */
export function facadeIssuer(base: URL, providerName: string): string {
  return urlString(joinBase(base, `/oauth/${encodeURIComponent(providerName)}`));
}
