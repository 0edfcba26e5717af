/**
 * CORS for browser-based MCP clients. Only an Origin that passed the origin
 * policy (origin.ts) is ever reflected; the metadata documents are public and
 * use `*`. Clients must be able to read the session id and the challenge.
 */
const EXPOSE = "Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate";
const ALLOW_METHODS = "GET, POST, DELETE, OPTIONS";
const DEFAULT_ALLOW_HEADERS =
  "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
const HEADER_LIST_RE = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+(?:\s*,\s*[A-Za-z0-9!#$%&'*+.^_`|~-]+)*$/;

/** Headers added to MCP responses for an allowed browser Origin. */
export const corsFor = (origin: string): Record<string, string> => ({
  "access-control-allow-origin": origin,
  "access-control-expose-headers": EXPOSE,
  vary: "Origin",
});

export function preflightHeaders(
  origin: string | undefined,
  requestedHeaders: string | undefined,
): Record<string, string> {
  const base: Record<string, string> = { allow: ALLOW_METHODS };
  if (!origin) return base;
  return {
    ...base,
    ...corsFor(origin),
    "access-control-allow-methods": ALLOW_METHODS,
    "access-control-allow-headers":
      requestedHeaders && HEADER_LIST_RE.test(requestedHeaders.trim())
        ? requestedHeaders.trim()
        : DEFAULT_ALLOW_HEADERS,
    "access-control-max-age": "600",
  };
}

/** Metadata documents: public, readable from any origin. */
export const METADATA_CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, OPTIONS",
  "access-control-allow-headers": "Mcp-Protocol-Version, Content-Type, Authorization",
  "access-control-max-age": "600",
};
