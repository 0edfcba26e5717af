// Layouts real clients need. Host-routed servers: two servers are each `<host>/mcp` on their own
// host (here 127.0.0.1:P and localhost:P, one gateway), the request's host picks the server,
// and the root /.well-known/oauth-protected-resource of each host describes its server. The SDK
// client signs in through the facade and calls a tool on each. The facade at a host's root
// (facadeUrl). Redirect URI presets and prefix patterns.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { autoCleanup } from "./support/hooks";
import { freePort, startGateway, startIdp, startMcpServer, TestOAuthClient, type Gateway, type Idp } from "./support";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook, facadeConfig, jwtClaims } from "./oauth-helpers";

autoCleanup();

/** A GET with a Host header of our choosing (fetch does not let one set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("host-routed servers: two servers are each /mcp on their own host", () => {
  let idp: Idp;
  let gw: Gateway;
  let port: number;
  const hosts = { a: "", b: "" };

  beforeAll(async () => {
    const [upA, upB] = [await startMcpServer({ name: "upstream-a" }), await startMcpServer({ name: "upstream-b" })];
    idp = await startIdp({ shape: "standard" });
    port = await freePort();
    hosts.a = `http://127.0.0.1:${port}`;
    hosts.b = `http://localhost:${port}`;
    const server = (name: string, upstream: string, publicUrl: string) => ({
      name,
      path: "/mcp",
      routing: "host",
      publicUrls: [publicUrl],
      upstream,
      auth: "oauth",
      oauth: { provider: "std", mode: "proxy" },
      resourceMetadata: { resourceName: name, scopesSupported: ["mcp:read"] },
    });
    gw = await startGateway({
      port,
      config: JSON.stringify({
        providers: [{ name: "std", kind: "generic", issuer: idp.issuer, scopes: ["openid"] }],
        servers: [server("a", upA.url, hosts.a), server("b", upB.url, hosts.b)],
      }),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("each host's root protected-resource document describes its own server", async () => {
    for (const [name, base] of Object.entries(hosts)) {
      const r = await fetch(`${base}/.well-known/oauth-protected-resource`);
      expect(r.status, name).toBe(200);
      const doc = (await r.json()) as { resource: string; resource_name: string; authorization_servers: string[] };
      expect(doc).toMatchObject({ resource: `${base}/mcp`, resource_name: name });
      expect(doc.authorization_servers).toEqual([`${base}/oauth/std`]);
    }
    // Another of the gateway's names (loopback names are always allowed) owns neither path.
    const other = `127.0.0.2:${port}`;
    expect(await getWithHost(`${hosts.a}/mcp`, other)).toBe(404);
    expect(await getWithHost(`${hosts.a}/.well-known/oauth-protected-resource`, other)).toBe(404);
  });

  it("the SDK client signs in and reaches each server through its host", async () => {
    for (const [name, base] of Object.entries(hosts)) {
      const serverUrl = `${base}/mcp`;
      const { client: oauth, tokens } = await runSdkAuthFlow({
        serverUrl,
        client: new TestOAuthClient("http://127.0.0.1:41999/callback"),
        login: { onPage: consentHook("approve") },
      });
      expect(jwtClaims(tokens.access_token).aud).toBe(serverUrl);
      const client = new Client({ name: "layouts-test", version: "1.0.0" });
      await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth }));
      expect(client.getServerVersion()?.name).toBe(`upstream-${name}`);
      const r = await client.callTool({ name: "echo", arguments: { text: name } });
      expect((r.content as { text: string }[])[0].text).toBe(name);
      await client.close();
    }
  });
});

describe("the facade at the root of a host of its own (facadeUrl)", () => {
  let idp: Idp;
  let gw: Gateway;
  let mcpBase: string;
  let authBase: string;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    const port = await freePort();
    mcpBase = `http://127.0.0.1:${port}`;
    authBase = `http://localhost:${port}`;
    gw = await startGateway({
      port,
      config: JSON.stringify({
        providers: [{ name: "std", kind: "generic", issuer: idp.issuer, scopes: ["openid"], facadeUrl: authBase }],
        servers: [
          {
            name: "tools",
            publicUrls: [mcpBase],
            upstream: upstream.url,
            auth: "oauth",
            oauth: { provider: "std", mode: "proxy" },
            resourceMetadata: { resourceName: "tools", scopesSupported: ["mcp:read"] },
          },
        ],
      }),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("serves RFC 8414 metadata and the endpoints at the root; the resource names it; /oauth/<p> still works", async () => {
    const prm = (await (await fetch(`${mcpBase}/.well-known/oauth-protected-resource/servers/tools/mcp`)).json()) as {
      authorization_servers: string[];
    };
    expect(prm.authorization_servers).toEqual([authBase]);
    // What a client that drops the issuer's path looks up: the host's root.
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
      const meta = (await (await fetch(`${authBase}${path}`)).json()) as Record<string, string>;
      expect(meta, path).toMatchObject({
        issuer: authBase,
        authorization_endpoint: `${authBase}/authorize`,
        token_endpoint: `${authBase}/token`,
        registration_endpoint: `${authBase}/register`,
      });
    }
    const pathIssuer = (await (await fetch(`${mcpBase}/.well-known/oauth-authorization-server/oauth/std`)).json()) as {
      issuer: string;
    };
    expect(pathIssuer.issuer).toBe(`${mcpBase}/oauth/std`);
    // The root paths belong to the facade on its own host only.
    expect((await fetch(`${mcpBase}/.well-known/oauth-authorization-server`)).status).toBe(404);
  });

  it("the SDK client signs in through the root facade (its callback at the root) and calls a tool", async () => {
    const serverUrl = `${mcpBase}/servers/tools/mcp`;
    const { client: oauth, login } = await runSdkAuthFlow({
      serverUrl,
      client: new TestOAuthClient("http://127.0.0.1:41999/callback"),
      login: { onPage: consentHook("approve") },
    });
    expect(oauth.lastAuthorizationUrl?.origin).toBe(authBase);
    expect(login.iss).toBe(authBase);
    expect(login.visited.some((u) => u.startsWith(`${authBase}/callback?`))).toBe(true);
    const client = new Client({ name: "layouts-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth }));
    const r = await client.callTool({ name: "echo", arguments: { text: "root issuer" } });
    expect((r.content as { text: string }[])[0].text).toBe("root issuer");
    await client.close();
  });
});

describe("allowed redirect URIs: presets and prefix patterns", () => {
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    gw = await startGateway({
      config: facadeConfig(
        { name: "std", kind: "generic", issuer: idp.issuer },
        { upstream: upstream.url, allowedRedirectUris: ["claude", "vscode", "https://chatgpt.com/connector/oauth/*"] },
      ),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const register = (redirect: string) =>
    gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: [redirect], token_endpoint_auth_method: "none", client_name: "t" }),
    });

  it("registration accepts the presets' callbacks and the pattern's, nothing else", async () => {
    for (const ok of [
      "https://claude.ai/api/mcp/auth_callback",
      "https://vscode.dev/redirect",
      "http://localhost:33418/",
      "https://chatgpt.com/connector/oauth/c_1f2e3d",
    ])
      expect((await register(ok)).status, ok).toBe(201);
    for (const bad of [
      "https://evil.example/api/mcp/auth_callback",
      "https://chatgpt.com/connector/oauth/../../evil",
      "https://chatgpt.com/connector/other",
    ]) {
      const r = await register(bad);
      expect(r.status, bad).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_redirect_uri");
    }
  });

  it("/authorize reaches the consent page for a ChatGPT connector's callback", async () => {
    const redirect = "https://chatgpt.com/connector/oauth/c_9a8b7c";
    const { client_id } = (await (await register(redirect)).json()) as { client_id: string };
    const q = new URLSearchParams({
      response_type: "code",
      client_id,
      redirect_uri: redirect,
      code_challenge: "a".repeat(43),
      code_challenge_method: "S256",
    });
    const r = await gw.fetch(`/oauth/std/authorize?${q}`, { redirect: "manual" });
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("chatgpt.com");
  });
});
