/**
 * Paths in the namespaces that MCP and OAuth clients call, and the console never serves, that
 * matched no virtual server or facade. They are answered here with a JSON 404 that says what is
 * missing. Why: with the console on, anything unmatched goes to the console, whose sign-in gate
 * redirects to an HTML page; a client that follows it reports a JSON parse error or a failed
 * discovery, far from the cause (a server renamed or deleted, a provider in direct mode).
 * Also answered: a configured server's path with a trailing slash, which is not its resource URL.
 */
import type { ConfigSnapshot } from "../config/model";
import { proxyServersFor } from "../oauth/context";

const PRM = "/.well-known/oauth-protected-resource";
const FACADE_METADATA = /^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/oauth\/([^/]+)\/?$/;
const FACADE = /^\/oauth\/([^/]+)(?:\/|$)/;
/** The default MCP path, `/servers/<name>/mcp`; console pages live at `/servers/<name>` and never end in /mcp. */
const DEFAULT_MCP_PATH = /^\/servers\/[^/]+\/mcp\/?$/;

/**
 * Why nothing is served at `pathname` (normalised), or undefined when the path is not a protocol path.
 * The reason names the cause the config shows: no such provider, a provider in direct mode, a server with auth: none.
 */
export function protocolNotFound(
  pathname: string,
  config: Pick<ConfigSnapshot, "providers" | "servers">,
): string | undefined {
  if (pathname === PRM || pathname.startsWith(`${PRM}/`)) {
    const resource = pathname.slice(PRM.length) || "/";
    const server = serverAt(config, resource);
    if (server?.auth === "none")
      return `server "${server.name}" uses auth: none, so it publishes no protected-resource metadata for ${resource}`;
    return `no protected-resource metadata is published for ${resource}: no virtual server with auth: oauth or passthrough has that path`;
  }
  const provider = FACADE_METADATA.exec(pathname)?.[1] ?? FACADE.exec(pathname)?.[1];
  if (provider !== undefined) {
    const known = config.providers.get(provider);
    if (!known) return `no provider "${provider}" is configured, so no authorization-server facade serves ${pathname}`;
    if (proxyServersFor(config, provider).length === 0) {
      return `provider "${provider}" has no authorization-server facade: no virtual server uses it with oauth.mode: proxy (in direct mode clients talk to the identity provider itself, ${known.issuer})`;
    }
    return `the facade of provider "${provider}" has no endpoint ${pathname}: it serves /oauth/${provider}/authorize, /token, /register, /callback and its metadata`;
  }
  if (pathname.startsWith("/.well-known/")) return `no document is published at ${pathname}`;
  if (pathname.length > 1 && pathname.endsWith("/")) {
    // Resource URLs have no trailing slash (RFC 9728 matching is exact), so `/servers/x/mcp/` is not x's path.
    const bare = pathname.replace(/\/+$/, "");
    const server = serverAt(config, bare);
    if (server)
      return `no MCP server is configured at ${pathname}: server "${server.name}" is at ${bare}, without the trailing slash`;
  }
  if (DEFAULT_MCP_PATH.test(pathname))
    return `no MCP server is configured at ${pathname}: check the server's name, or its path if it sets one`;
  return undefined;
}

const serverAt = (config: Pick<ConfigSnapshot, "servers">, path: string) =>
  [...config.servers.values()].find((s) => s.effectivePath === path);
