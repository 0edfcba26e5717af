/**
 * Paths in the namespaces that MCP and OAuth clients call, and the console never serves, that
 * matched no virtual server or facade. They are answered here with a JSON 404 that says what is
 * missing. Why: with the console on, anything unmatched goes to the console, whose sign-in gate
 * redirects to an HTML page; a client that follows it reports a JSON parse error or a failed
 * discovery, far from the cause (a server renamed or deleted, a provider in direct mode).
 */

const PRM = "/.well-known/oauth-protected-resource";
const FACADE_METADATA = /^\/\.well-known\/(?:oauth-authorization-server|openid-configuration)\/oauth\/([^/]+)\/?$/;
const FACADE = /^\/oauth\/([^/]+)(?:\/|$)/;
/** The default MCP path, `/servers/<name>/mcp`; console pages live at `/servers/<name>` and never end in /mcp. */
const DEFAULT_MCP_PATH = /^\/servers\/[^/]+\/mcp\/?$/;

/** Why nothing is served at `pathname` (normalised), or undefined when the path is not a protocol path. */
export function protocolNotFound(pathname: string): string | undefined {
  if (pathname === PRM || pathname.startsWith(`${PRM}/`)) {
    const resource = pathname.slice(PRM.length) || "/";
    return `no protected-resource metadata is published for ${resource}: no virtual server with auth: oauth or passthrough has that path`;
  }
  const provider = FACADE_METADATA.exec(pathname)?.[1] ?? FACADE.exec(pathname)?.[1];
  if (provider !== undefined) {
    return `no authorization-server facade for provider "${provider}" serves ${pathname}: the provider does not exist, or no virtual server uses it with oauth.mode: proxy (in direct mode clients talk to the identity provider itself)`;
  }
  if (pathname.startsWith("/.well-known/")) return `no document is published at ${pathname}`;
  if (DEFAULT_MCP_PATH.test(pathname)) return `no MCP server is configured at ${pathname}: check the server's name, or its path if it sets one`;
  return undefined;
}
