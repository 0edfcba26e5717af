/**
 * What the benchmarks send and configure: the MCP request every row posts, the bench IdP's issuer and
 * token claims, and the ten-rule policy of the policy rows.
 */
import { SignJWT, type CryptoKey } from "jose";

export const ISSUER = "https://issuer.bench.portcullis.test";

export const BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: { text: "hello" } },
});

export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

/**
 * The policy rows' rules: the call the bench makes (tools/call echo by bench-client with mcp:read) is matched by
 * the last, so every request walks all ten: method, name, scope, subject, client and claim steps included.
 */
export const TEN_RULES = [
  { name: "no-admin-tools", names: ["admin_*"], action: "deny" },
  { name: "writes-need-scope", names: ["write_*", "delete_*"], action: "require", scopes: ["mcp:write"] },
  { name: "prompts-for-staff", methods: ["prompts/*"], caller: { claims: { groups: ["staff"] } }, action: "allow" },
  { name: "no-secret-files", methods: ["resources/read"], names: ["file:///etc/*"], action: "deny" },
  { name: "ops-deploy", names: ["deploy"], caller: { subjects: ["ops-*"] }, action: "allow" },
  { name: "no-deploy", names: ["deploy"], action: "deny" },
  { name: "ci-client", caller: { clients: ["ci-*"] }, names: ["build_*"], action: "allow" },
  { name: "search-scope", names: ["search*"], action: "require", scopes: ["search"] },
  { name: "no-shell", names: ["shell", "exec*"], action: "deny" },
  {
    name: "readers",
    methods: ["tools/call"],
    names: ["echo", "get_*"],
    caller: { scopes: ["mcp:read"] },
    action: "allow",
  },
];

/** The gateway's config lines of a server on `upstream`, with the policy and audit of a policy row. */
export function benchServer(name: string, upstream: string, o: { rules?: boolean; audit?: boolean; extra?: string }) {
  return [
    `  - name: ${name}`,
    `    upstream: ${upstream}`,
    `    oauth: { provider: bench, mode: direct }`,
    ...(o.rules ? [`    policy: { default: deny, rules: ${JSON.stringify(TEN_RULES)} }`] : []),
    ...(o.audit ? [`    audit: { enabled: true }`] : []),
    ...(o.extra ? [o.extra] : []),
  ].join("\n");
}

/** An RS256 access token of the bench IdP for `sub`, valid for an hour at `aud` (the servers' URLs). */
export const benchToken = (privateKey: CryptoKey, sub: string, aud: string[]) => {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iss: ISSUER, aud, sub, client_id: "bench-client", scope: "mcp:read", iat: now, exp: now + 3600 })
    .setProtectedHeader({ alg: "RS256", kid: "bench", typ: "at+jwt" })
    .sign(privateKey);
};
