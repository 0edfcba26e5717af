/** How an MCP client parses a challenge and derives well-known URLs, as the official SDK does. */

/** `Bearer a="b", c="d"` → { a: "b", c: "d" }, or null when not a Bearer challenge. */
export function parseBearerChallenge(header: string | null | undefined): Record<string, string> | null {
  if (!header) return null;
  const m = /(?:^|,\s*)Bearer(?:\s+(.*))?$/i.exec(header.trim());
  if (!m) return null;
  const out: Record<string, string> = {};
  const re = /([A-Za-z0-9_.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p: RegExpExecArray | null; (p = re.exec(m[1] ?? ""));)
    out[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, "$1") : p[3];
  return out;
}

/** RFC 8414 / 9728 insertion: `https://h/a/b` + `/.well-known/x` → `https://h/.well-known/x/a/b`. */
export function pathInserted(url: string, wellKnown: string): string {
  const u = new URL(url);
  const path = u.pathname === "/" ? "" : u.pathname.replace(/\/+$/, "");
  return new URL(`${wellKnown}${path}`, u.origin).href;
}

/** The SDK's order (discoverAuthorizationServerMetadata). */
export function asMetadataUrls(issuer: string): string[] {
  const u = new URL(issuer);
  const hasPath = u.pathname !== "/" && u.pathname !== "";
  if (!hasPath)
    return [
      new URL("/.well-known/oauth-authorization-server", u.origin).href,
      new URL("/.well-known/openid-configuration", u.origin).href,
    ];
  const trimmed = u.pathname.replace(/\/+$/, "");
  return [
    pathInserted(issuer, "/.well-known/oauth-authorization-server"),
    pathInserted(issuer, "/.well-known/openid-configuration"),
    new URL(`${trimmed}/.well-known/openid-configuration`, u.origin).href,
  ];
}
