// Public URLs: PUBLIC_URL, per-server publicUrls (several, with a prefix), trusted forwarding headers,
// and spoofed forwarding headers from an untrusted peer (which must change nothing).
import { beforeAll, describe, expect, it } from "vitest";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
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

let mcp: McpTestServer;
let local: LocalIssuer;
const config = () => `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
servers:
  - name: tools
    upstream: ${mcp.url}
    oauth: { provider: local, mode: proxy }
  - name: multi
    upstream: ${mcp.url}
    oauth: { provider: local, mode: direct }
    publicUrls: [https://a.example.com, https://b.example.com/prefix]
`;
const SPOOF = {
  "x-forwarded-host": "evil.example",
  "x-forwarded-proto": "http",
  "x-forwarded-prefix": "/evil",
  forwarded: "proto=http;host=evil.example",
};
const metaOf = (www: string | string[] | undefined) => /resource_metadata="([^"]+)"/.exec(String(www))![1];

beforeAll(async () => {
  [mcp, local] = await Promise.all([startMcpServer(), startLocalIssuer()]);
});

describe("with PUBLIC_URL=https://mcp.example.com and no trusted proxies", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ config: config(), env: { PUBLIC_URL: "https://mcp.example.com" } });
  });

  it("uses PUBLIC_URL in every emitted URL, whatever the forwarding headers say", async () => {
    for (const headers of [{}, SPOOF]) {
      const r = await rawRequest(`${gw.url}/servers/tools/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...headers },
        body: INIT_BODY,
      });
      expect(r.status).toBe(401);
      expect(metaOf(r.headers["www-authenticate"])).toBe(
        "https://mcp.example.com/.well-known/oauth-protected-resource/servers/tools/mcp",
      );
      const doc = (
        await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/tools/mcp`, { headers })
      ).json();
      expect(doc.resource).toBe("https://mcp.example.com/servers/tools/mcp");
      expect(doc.authorization_servers).toEqual(["https://mcp.example.com/oauth/local"]);
      expect(JSON.stringify(doc)).not.toContain("evil");
      expect(JSON.stringify(doc)).not.toContain("127.0.0.1");
    }
  });

  it("accepts tokens for the public resource URL, not for the address it was reached at", async () => {
    const good = await local.sign(claims("https://mcp.example.com/servers/tools/mcp"));
    const r = await rawRequest(`${gw.url}/servers/tools/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${good}` },
      body: INIT_BODY,
    });
    expect(r.status).toBe(200);
    const internal = await local.sign(claims(`${gw.url}/servers/tools/mcp`));
    const r2 = await rawRequest(`${gw.url}/servers/tools/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${internal}` },
      body: INIT_BODY,
    });
    expect(r2.status).toBe(401);
    // A spoofed forwarded host cannot make its URL an accepted audience either.
    const evil = await local.sign(claims("http://evil.example/evil/servers/tools/mcp"));
    const r3 = await rawRequest(`${gw.url}/servers/tools/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...SPOOF, authorization: `Bearer ${evil}` },
      body: INIT_BODY,
    });
    expect(r3.status).toBe(401);
  });

  it("gives each public URL of a server its own resource and metadata, and accepts all of them", async () => {
    const b = await rawRequest(`${gw.url}/servers/multi/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, host: "b.example.com" },
      body: INIT_BODY,
    });
    const meta = metaOf(b.headers["www-authenticate"]);
    expect(meta).toBe("https://b.example.com/.well-known/oauth-protected-resource/prefix/servers/multi/mcp");
    // RFC 9728 form (prefix after the well-known segment), and the prefix-stripped form a proxy forwards.
    for (const path of [
      "/.well-known/oauth-protected-resource/prefix/servers/multi/mcp",
      "/.well-known/oauth-protected-resource/servers/multi/mcp",
    ]) {
      const doc = (await rawRequest(`${gw.url}${path}`, { headers: { host: "b.example.com" } })).json();
      expect(doc.resource).toBe("https://b.example.com/prefix/servers/multi/mcp");
    }
    const a = (
      await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/multi/mcp`, {
        headers: { host: "a.example.com" },
      })
    ).json();
    expect(a.resource).toBe("https://a.example.com/servers/multi/mcp");
    // Unknown host: PUBLIC_URL.
    const other = (await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/multi/mcp`)).json();
    expect(other.resource).toBe("https://mcp.example.com/servers/multi/mcp");

    for (const aud of [
      "https://a.example.com/servers/multi/mcp",
      "https://b.example.com/prefix/servers/multi/mcp",
      "https://mcp.example.com/servers/multi/mcp",
    ]) {
      const token = await local.sign(claims(aud));
      const r = await rawRequest(`${gw.url}/servers/multi/mcp`, {
        method: "POST",
        headers: { ...MCP_HEADERS, host: "a.example.com", authorization: `Bearer ${token}` },
        body: INIT_BODY,
      });
      expect(r.status, aud).toBe(200);
    }
  });
});

describe("with TRUSTED_PROXIES=loopback and no PUBLIC_URL", () => {
  let gw: Gateway;
  beforeAll(async () => {
    // The forwarded hosts below are the gateway's own names: they must be allowed hosts (others get 421).
    gw = await startGateway({
      config: config(),
      env: { TRUSTED_PROXIES: "loopback", ALLOWED_HOSTS: "mcp.example.com,x.example.com" },
    });
  });

  it("builds URLs from a trusted proxy's forwarding headers, prefix included", async () => {
    const headers = {
      "x-forwarded-proto": "https",
      "x-forwarded-host": "mcp.example.com",
      "x-forwarded-prefix": "/gw",
    };
    const r = await rawRequest(`${gw.url}/servers/tools/mcp`, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...headers },
      body: INIT_BODY,
    });
    const meta = metaOf(r.headers["www-authenticate"]);
    expect(meta).toBe("https://mcp.example.com/.well-known/oauth-protected-resource/gw/servers/tools/mcp");
    const doc = (await rawRequest(`${gw.url}${new URL(meta).pathname}`, { headers })).json();
    expect(doc.resource).toBe("https://mcp.example.com/gw/servers/tools/mcp");
    expect(doc.authorization_servers).toEqual(["https://mcp.example.com/gw/oauth/local"]);

    const fwd = (
      await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/tools/mcp`, {
        headers: { forwarded: 'proto=https;host="x.example.com:8443"' },
      })
    ).json();
    expect(fwd.resource).toBe("https://x.example.com:8443/servers/tools/mcp");
  });

  it("without forwarding headers uses the request itself", async () => {
    const doc = (await rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/tools/mcp`)).json();
    expect(doc.resource).toBe(`${gw.url}/servers/tools/mcp`);
  });
});
