// auth: passthrough forwards the client's credentials and the upstream's own challenges and
// metadata documents unchanged; auth: none proxies without checks and strips the client's credentials.
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import { connectClient, INIT_BODY, MCP_HEADERS, rawRequest } from "./rs-support";

autoCleanup();

const UPSTREAM_DOC = {
  resource: "https://upstream.example.com/mcp",
  authorization_servers: ["https://as.example.com"],
};
let guarded: McpTestServer;
let open: McpTestServer;
let gw: Gateway;

beforeAll(async () => {
  [guarded, open] = await Promise.all([
    startMcpServer({
      requireAuthHeader: "Bearer upstream-token",
      wwwAuthenticate:
        'Bearer resource_metadata="https://upstream.example.com/.well-known/oauth-protected-resource/mcp"',
      documents: { "/.well-known/oauth-protected-resource/mcp": UPSTREAM_DOC },
    }),
    startMcpServer(),
  ]);
  gw = await startGateway({
    config: `
servers:
  - name: pt
    upstream: ${guarded.url}
    auth: passthrough
  - name: open
    upstream: ${open.url}
    auth: none
`,
  });
});

const whoami = async (url: string, token?: string, headers: Record<string, string> = {}) => {
  const client = await connectClient(url, token, headers);
  const r = await client.callTool({ name: "whoami", arguments: {} });
  return (r.structuredContent as { headers: Record<string, string> }).headers;
};

describe("auth: passthrough", () => {
  it("forwards the upstream's own 401 challenge unchanged", async () => {
    const r = await rawRequest(`${gw.url}/servers/pt/mcp`, { method: "POST", headers: MCP_HEADERS, body: INIT_BODY });
    expect(r.status).toBe(401);
    expect(r.headers["www-authenticate"]).toBe(
      'Bearer resource_metadata="https://upstream.example.com/.well-known/oauth-protected-resource/mcp"',
    );
  });

  it("serves the upstream's own protected-resource metadata for the server", async () => {
    const r = await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/pt/mcp`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual(UPSTREAM_DOC);
  });

  it("forwards Authorization and non-gateway cookies; drops the gateway's cookies and X-Portcullis-*", async () => {
    const h = await whoami(`${gw.url}/servers/pt/mcp`, "upstream-token", {
      cookie: "portcullis_session=secret; app=1",
      "x-portcullis-subject": "admin",
    });
    expect(h.authorization).toBe("Bearer upstream-token");
    expect(h.cookie).toBe("app=1");
    expect(h["x-portcullis-subject"]).toBeUndefined();
  });
});

describe("auth: none", () => {
  it("proxies without a token and never forwards the client's Authorization or cookies", async () => {
    const h = await whoami(`${gw.url}/servers/open/mcp`, "some-token", {
      cookie: "a=1",
      "x-portcullis-subject": "admin",
    });
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h["x-portcullis-subject"]).toBeUndefined();
  });

  it("publishes no protected-resource metadata", async () => {
    const r = await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/open/mcp`);
    expect(r.status).toBe(404);
    expect(r.json().error_description).toBe(
      'server "open" uses auth: none, so it publishes no protected-resource metadata for /servers/open/mcp',
    );
  });
});
