// What an upstream cannot do to the console and to clients (docs/security.md), replayed against the real
// gateway with a hostile upstream: its HTML never runs on the gateway's origin, it never sets a gateway
// cookie, and behind `auth: oauth` its own challenge never reaches the client.
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { HOSTILE_PAGE, startHostileUpstream, type HostileUpstream } from "./support/mcp-server";
import {
  claims,
  INIT_BODY,
  LOCAL_ISSUER,
  MCP_HEADERS,
  rawRequest,
  startLocalIssuer,
  type LocalIssuer,
} from "./rs-support";

autoCleanup();

const SANDBOX = "sandbox; default-src 'none'; frame-ancestors 'none'";
const EVIL_CHALLENGE = 'Bearer resource_metadata="https://evil.example/.well-known/oauth-protected-resource"';

let hostile: HostileUpstream;
let local: LocalIssuer;
let gw: Gateway;
const url = (name: string) => `${gw.url}/servers/${name}/mcp`;

beforeAll(async () => {
  [hostile, local] = await Promise.all([startHostileUpstream(), startLocalIssuer()]);
  gw = await startGateway({
    env: { LOG_LEVEL: "info" },
    config: `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
servers:
  - name: open
    upstream: ${hostile.url}
    auth: none
  - name: pt
    upstream: ${hostile.url}
    auth: passthrough
  - name: guarded
    upstream: ${hostile.url}
    oauth: { provider: local }
  - name: optional
    upstream: ${hostile.url}
    oauth: { provider: local, enforcement: optional }
  - name: permissive
    upstream: ${hostile.url}
    oauth: { provider: local, enforcement: permissive }
`,
  });
});

const tokenFor = (name: string) => local.sign(claims(url(name)));

describe("upstream content never runs on the gateway's origin", () => {
  const requests: Array<[string, () => Promise<{ path: string; headers?: Record<string, string> }>]> = [
    ["auth: none", async () => ({ path: "/servers/open/mcp" })],
    ["auth: passthrough", async () => ({ path: "/servers/pt/mcp" })],
    [
      "passthrough's proxied metadata document",
      async () => ({ path: "/.well-known/oauth-protected-resource/servers/pt/mcp" }),
    ],
    [
      "auth: oauth, a valid token",
      async () => ({ path: "/servers/guarded/mcp", headers: { authorization: `Bearer ${await tokenFor("guarded")}` } }),
    ],
    ["auth: oauth, optional enforcement, no token", async () => ({ path: "/servers/optional/mcp" })],
    [
      "auth: oauth, permissive enforcement, a bad token",
      async () => ({ path: "/servers/permissive/mcp", headers: { authorization: "Bearer not-a-jwt" } }),
    ],
  ];

  it.each(requests)("%s: sandboxed, nosniff, and no gateway cookie set or cleared", async (_mode, make) => {
    hostile.respondWith(HOSTILE_PAGE);
    const { path, headers } = await make();
    const seen = hostile.requests.length;
    const r = await rawRequest(`${gw.url}${path}`, { headers: { accept: "text/html", ...headers } });
    expect(hostile.requests.length).toBe(seen + 1); // the upstream answered: this is its content
    expect(r.status).toBe(200);
    expect(r.text).toBe(HOSTILE_PAGE.body);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.headers["content-security-policy"]).toBe(SANDBOX);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["clear-site-data"]).toBeUndefined();
    expect(r.headers.nel).toBeUndefined(); // network error logging would report the whole origin's URLs
    expect(r.headers["report-to"]).toBeUndefined();
    expect(r.headers["set-cookie"]).toEqual(["upstream_affinity=node-2; Path=/; HttpOnly"]);
  });

  it("holds for JSON and error answers too, and an upstream with only gateway cookies sets none", async () => {
    hostile.respondWith({
      status: 404,
      headers: { "content-type": "application/json", "set-cookie": ["portcullis_session=x; Path=/"] },
      body: "{}",
    });
    const r = await rawRequest(url("open"), { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
    expect(r.status).toBe(404);
    expect(r.headers["content-security-policy"]).toBe(SANDBOX);
    expect(r.headers["x-content-type-options"]).toBe("nosniff");
    expect(r.headers["set-cookie"]).toBeUndefined();
  });
});

describe("auth: oauth never relays the upstream's own challenge", () => {
  it.each([
    [401, { "www-authenticate": EVIL_CHALLENGE }],
    [401, {}],
    [403, { "www-authenticate": `${EVIL_CHALLENGE}, error="insufficient_scope", scope="admin"` }],
  ])("an upstream %s becomes a 502 that says the upstream refused the gateway, and is logged", async (status, h) => {
    hostile.respondWith({
      status,
      headers: { "content-type": "application/json", ...h },
      body: '{"error":"invalid_token"}',
    });
    const token = await tokenFor("guarded");
    const r = await rawRequest(url("guarded"), {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: INIT_BODY,
    });
    expect(r.status).toBe(502);
    expect(r.headers["www-authenticate"]).toBeUndefined();
    expect(r.json()).toEqual({
      error: "upstream_refused",
      error_description: `The upstream MCP server refused the gateway's request (HTTP ${status}); its own authorization challenge is not relayed`,
    });
    expect(r.text).not.toContain("evil.example");
    // This status's own line: earlier cases wrote lines with the same message.
    const refusal = () =>
      gw.logLines().find((l) => String(l.msg).startsWith("upstream refused the gateway") && l.status === status);
    await expect.poll(refusal).toBeDefined();
    expect(refusal()).toMatchObject({ server: "guarded", status });
    expect(JSON.stringify(gw.logLines())).not.toContain(token);
  });

  it("drops a challenge the upstream puts on any other answer; a plain 403 still reaches the client", async () => {
    const token = await tokenFor("guarded");
    const send = () =>
      rawRequest(url("guarded"), {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: INIT_BODY,
      });
    hostile.respondWith({
      status: 200,
      headers: { "content-type": "application/json", "www-authenticate": EVIL_CHALLENGE },
      body: "{}",
    });
    const ok = await send();
    expect(ok.status).toBe(200);
    expect(ok.headers["www-authenticate"]).toBeUndefined();
    hostile.respondWith({
      status: 403,
      headers: { "content-type": "application/json" },
      body: '{"error":"forbidden"}',
    });
    const forbidden = await send();
    expect(forbidden.status).toBe(403);
    expect(forbidden.json()).toEqual({ error: "forbidden" });
  });

  it("without a token, the client gets the gateway's own challenge, never the upstream's", async () => {
    hostile.respondWith({ status: 401, headers: { "www-authenticate": EVIL_CHALLENGE }, body: "" });
    const seen = hostile.requests.length;
    const r = await rawRequest(url("guarded"), { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      `Bearer resource_metadata="${gw.url}/.well-known/oauth-protected-resource/servers/guarded/mcp"`,
    );
    expect(hostile.requests.length).toBe(seen);
  });

  it("auth: passthrough relays the upstream's challenge unchanged (its contract)", async () => {
    hostile.respondWith({ status: 401, headers: { "www-authenticate": EVIL_CHALLENGE }, body: "" });
    const r = await rawRequest(url("pt"), { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(EVIL_CHALLENGE);
  });
});
