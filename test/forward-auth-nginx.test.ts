// Forward-auth mode with Debian's real nginx as the data plane (docs/examples/nginx-forward-auth.conf):
// nginx proxies MCP traffic to a real MCP server and asks the gateway about each request
// (auth_request); the well-known documents and the OAuth facade go to the gateway through the same
// nginx. The official SDK client talks to nginx only.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway, REPO_ROOT, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp, type Idp } from "./support/idp";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import { startNginx, type Nginx } from "./support/nginx";
import { runSdkAuthFlow, TestOAuthClient } from "./support/oauth-client";
import { parsePrometheus, sampleValue } from "./support/prometheus-text";
import { consentHook } from "./oauth-helpers";
import {
  claims,
  connectClient,
  INIT_BODY,
  LOCAL_ISSUER,
  MCP_HEADERS,
  rawRequest,
  startLocalIssuer,
  type LocalIssuer,
} from "./rs-support";

autoCleanup();

const TEMPLATE = readFileSync(join(REPO_ROOT, "docs/examples/nginx-forward-auth.conf"), "utf8");

let idp: Idp;
let mcp: McpTestServer;
let local: LocalIssuer;
let gw: Gateway;
/** nginx in front of server `echo` (local issuer, direct mode) and one in front of `tools` (the IdP, facade). */
let edge: Nginx;
let facadeEdge: Nginx;

beforeAll(async () => {
  [idp, mcp, local] = await Promise.all([startIdp({ shape: "standard" }), startMcpServer(), startLocalIssuer()]);
  gw = await startGateway({
    env: { TRUSTED_PROXIES: "loopback" },
    config: `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
  - name: idp
    issuer: ${idp.issuer}
servers:
  - name: echo
    upstream: ${mcp.url}
    oauth: { provider: local, mode: direct, requiredScopes: [mcp:read] }
  - name: tools
    upstream: ${mcp.url}
    oauth: { provider: idp, mode: proxy }
`,
  });
  const gateway = `127.0.0.1:${gw.port}`;
  [edge, facadeEdge] = await Promise.all([
    startNginx(TEMPLATE, { PORTCULLIS: gateway, MCP_PATH: "/servers/echo/mcp", ...mcpServer() }),
    startNginx(TEMPLATE, { PORTCULLIS: gateway, MCP_PATH: "/servers/tools/mcp", ...mcpServer() }),
  ]);
});

/** The MCP server's placeholders of the template. */
const mcpServer = () => ({ MCP_SERVER: new URL(mcp.url).host, MCP_SERVER_PATH: new URL(mcp.url).pathname });

const echoUrl = () => `${edge.url}/servers/echo/mcp`;
const sign = (over: Record<string, unknown> = {}) => local.sign(claims(echoUrl(), over));

async function forwardAuthRequests(): Promise<number> {
  const f = parsePrometheus(await (await gw.api("/metrics")).text());
  return sampleValue(f, "portcullis_mcp_requests_total", { server: "echo" });
}

describe("nginx auth_request in front of a real MCP server", () => {
  it("completes a tool call with a token, and the upstream sees the verdict's identity, not the token", async () => {
    const token = await sign({ sub: "nginx-user" });
    const client = await connectClient(echoUrl(), token, { "x-portcullis-subject": "forged" });
    const r = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    expect(r.structuredContent).toEqual({ sum: 42 });
    const who = await client.callTool({ name: "whoami", arguments: {} });
    const h = (who.structuredContent as { headers: Record<string, string> }).headers;
    expect(h["x-portcullis-subject"]).toBe("nginx-user");
    expect(h["x-portcullis-client"]).toBe("client-a");
    expect(h["x-portcullis-scopes"]).toBe("mcp:read");
    expect(h.authorization).toBeUndefined();
  });

  it("without a token, answers the 401 challenge that points at the metadata behind nginx", async () => {
    const bare = await fetch(echoUrl(), { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
    expect(bare.status).toBe(401);
    const www = bare.headers.get("www-authenticate")!;
    const metadata = `${edge.url}/.well-known/oauth-protected-resource/servers/echo/mcp`;
    expect(www).toBe(`Bearer resource_metadata="${metadata}", scope="mcp:read"`);
    const doc = (await (await fetch(metadata)).json()) as { resource: string; authorization_servers: string[] };
    expect(doc.resource).toBe(echoUrl());
  });

  it("passes on the exact invalid_token and insufficient_scope challenges", async () => {
    const expired = await sign({ exp: Math.floor(Date.now() / 1000) - 600, iat: Math.floor(Date.now() / 1000) - 1200 });
    const r401 = await fetch(echoUrl(), {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${expired}` },
      body: INIT_BODY,
    });
    expect(r401.status).toBe(401);
    expect(r401.headers.get("www-authenticate")).toMatch(
      /^Bearer resource_metadata="[^"]+", error="invalid_token", error_description="[^"]*expired/,
    );
    const noScope = await sign({ scope: "other" });
    const r403 = await fetch(echoUrl(), {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${noScope}` },
      body: INIT_BODY,
    });
    expect(r403.status).toBe(403);
    expect(r403.headers.get("www-authenticate")).toContain('error="insufficient_scope"');
    expect(r403.headers.get("www-authenticate")).toContain('scope="mcp:read"');
    expect(r403.headers.get("www-authenticate")!.match(/Bearer /g)).toHaveLength(1);
  });

  it("lets nginx cache an accepted verdict for as long as the gateway would, and never a rejection", async () => {
    const token = await sign({ sub: "cache-user" });
    const call = (t?: string) =>
      fetch(echoUrl(), {
        method: "POST",
        headers: { ...MCP_HEADERS, ...(t ? { authorization: `Bearer ${t}` } : {}) },
        body: INIT_BODY,
      });
    const before = await forwardAuthRequests();
    for (let i = 0; i < 3; i++) expect((await call(token)).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await call()).status).toBe(401);
    // One verdict for the three accepted calls (then nginx's cache), one per rejection.
    expect((await forwardAuthRequests()) - before).toBe(3);
  });

  it("answers the verdict itself only to trusted proxies, with a max-age within the token's life", async () => {
    const exp = Math.floor(Date.now() / 1000) + 20;
    const token = await sign({ exp });
    const headers = {
      authorization: `Bearer ${token}`,
      host: new URL(edge.url).host,
      "x-original-uri": "/servers/echo/mcp",
      "x-original-method": "POST",
    };
    const ok = await rawRequest(`${gw.url}/forward-auth`, { headers });
    expect(ok.status).toBe(200);
    const maxAge = Number(/^max-age=(\d+)$/.exec(String(ok.headers["cache-control"]))?.[1]);
    expect(maxAge).toBeGreaterThan(10);
    expect(maxAge).toBeLessThanOrEqual(20);
    // A peer outside TRUSTED_PROXIES (127.0.0.2 is loopback too, so use a gateway that trusts nobody).
    const untrusting = await startGateway({ config: "servers: []" });
    const refused = await rawRequest(`${untrusting.url}/forward-auth`, { headers });
    expect(refused.status).toBe(403);
    expect(refused.json()).toMatchObject({ error: "forbidden" });
  });
});

describe("the conventions of the other edges, asked directly", () => {
  const host = () => new URL(edge.url).host;

  it("Traefik and Caddy: X-Forwarded-Method, -Uri, -Host and -Proto", async () => {
    const token = await sign({ sub: "traefik-user" });
    const r = await rawRequest(`${gw.url}/forward-auth`, {
      headers: {
        authorization: `Bearer ${token}`,
        "x-forwarded-method": "POST",
        "x-forwarded-uri": "/servers/echo/mcp",
        "x-forwarded-host": host(),
        "x-forwarded-proto": "http",
      },
    });
    expect(r.status).toBe(200);
    expect(r.headers["x-portcullis-subject"]).toBe("traefik-user");
    const none = await rawRequest(`${gw.url}/forward-auth`, {
      headers: { "x-forwarded-method": "POST", "x-forwarded-uri": "/servers/echo/mcp", "x-forwarded-host": host() },
    });
    expect(none.status).toBe(401);
    expect(none.headers["www-authenticate"]).toBe(
      `Bearer resource_metadata="${edge.url}/.well-known/oauth-protected-resource/servers/echo/mcp", scope="mcp:read"`,
    );
    expect(none.json()).toEqual({ error: "unauthorized", error_description: "An access token is required" });
  });

  it("Envoy ext_authz: the original method, and the original path after /forward-auth", async () => {
    const token = await sign({ sub: "envoy-user" });
    const r = await rawRequest(`${gw.url}/forward-auth/servers/echo/mcp`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${token}`, host: host() },
    });
    expect(r.status).toBe(200);
    expect(r.headers["x-portcullis-subject"]).toBe("envoy-user");
    const put = await rawRequest(`${gw.url}/forward-auth/servers/echo/mcp`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, host: host() },
    });
    expect(put.status).toBe(405);
    const unknown = await rawRequest(`${gw.url}/forward-auth/servers/nope/mcp`, {
      method: "POST",
      headers: { host: host() },
    });
    expect(unknown.status).toBe(404);
  });

  it("refuses a token in the query string and a foreign Origin, as the proxy does", async () => {
    const token = await sign();
    const q = await rawRequest(`${gw.url}/forward-auth`, {
      headers: {
        host: host(),
        "x-original-method": "POST",
        "x-original-uri": `/servers/echo/mcp?access_token=${token}`,
      },
    });
    expect(q.status).toBe(400);
    expect(q.headers["www-authenticate"]).toContain('error="invalid_request"');
    const o = await rawRequest(`${gw.url}/forward-auth`, {
      headers: {
        host: host(),
        authorization: `Bearer ${token}`,
        origin: "https://evil.example",
        "x-original-method": "POST",
        "x-original-uri": "/servers/echo/mcp",
      },
    });
    expect(o.status).toBe(403);
    expect(o.json()).toMatchObject({ error: "forbidden_origin" });
  });
});

describe("the OAuth facade through the same nginx", () => {
  it("without a token, the SDK client gets the 401 challenge and follows it to the facade behind nginx", async () => {
    const provider = new TestOAuthClient("http://127.0.0.1:41999/callback");
    const client = new Client({ name: "no-token", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(`${facadeEdge.url}/servers/tools/mcp`), {
      authProvider: provider,
    });
    await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    // The challenge led the SDK to the metadata and the facade, both served through nginx.
    const authorize = provider.authorizationUrl!;
    expect(authorize.origin + authorize.pathname).toBe(`${facadeEdge.url}/oauth/idp/authorize`);
    expect(authorize.searchParams.get("resource")).toBe(`${facadeEdge.url}/servers/tools/mcp`);
  });

  it("the SDK discovers, registers, signs in and calls a tool, all through nginx", async () => {
    const serverUrl = `${facadeEdge.url}/servers/tools/mcp`;
    const { client: provider, login } = await runSdkAuthFlow({
      serverUrl,
      client: new TestOAuthClient("http://127.0.0.1:41999/callback"),
      scope: "mcp:read",
      login: { onPage: consentHook("approve") },
    });
    expect(login.iss).toBe(`${facadeEdge.url}/oauth/idp`);
    const client = new Client({ name: "via-nginx", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider }));
    const r = await client.callTool({ name: "echo", arguments: { text: "through nginx" } });
    expect((r.content as { text: string }[])[0].text).toBe("through nginx");
    await client.close();
  });
});
