// Proves the shared integration-test harness (test/support/) works, without the gateway.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { createLocalJWKSet, createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { cleanup, freePort } from "./support/cleanup";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { completeLogin, ENTRA_TENANT, pkcePair, startIdp, type Idp, type IdpShape } from "./support/idp";
import { startMcpServer, startMinimalJsonRpcUpstream, startSseUpstream } from "./support/mcp-server";
import { runSdkAuthFlow } from "./support/oauth-client";
import { skipWithoutPostgres, startPostgres } from "./support/postgres";

/** Serves an RFC 9728 document for `resource` on its own port (stand-in for the gateway's PRM). */
async function startPrmHost(resource: string, issuer: string, path: string): Promise<string> {
  const { createServer } = await import("node:http");
  const { listenLoopback, closeHttpServer } = await import("./support/cleanup");
  const srv = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ resource, authorization_servers: [issuer], scopes_supported: ["mcp:read"] }));
  });
  const port = await listenLoopback(srv);
  cleanup.add("prm-host", () => closeHttpServer(srv));
  return `http://127.0.0.1:${port}${path}`;
}

autoCleanup();

const RESOURCE = "http://127.0.0.1:4999/servers/fetcher/mcp";
const REDIRECT = "http://127.0.0.1:4998/oauth/kc/callback";

async function status(url: string): Promise<number> {
  const r = await fetch(url);
  await r.arrayBuffer();
  return r.status;
}

async function verify(idp: Idp, token: string) {
  const jwks = createRemoteJWKSet(new URL(idp.jwksUrl));
  return jwtVerify(token, jwks, { issuer: idp.issuer });
}

describe("IdP shapes", () => {
  const expectations: Record<IdpShape, { discovery: string; absent: string[]; jwks: string; oauthMeta: boolean }> = {
    standard: {
      discovery: "/.well-known/openid-configuration",
      absent: [],
      jwks: "/jwks",
      oauthMeta: true,
    },
    keycloak: {
      discovery: "/realms/mcp/.well-known/openid-configuration",
      absent: [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/realms/mcp",
        "/realms/mcp/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
      ],
      jwks: "/realms/mcp/protocol/openid-connect/certs",
      oauthMeta: false,
    },
    authentik: {
      discovery: "/application/o/mcp/.well-known/openid-configuration",
      absent: [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/application/o/mcp/",
        "/application/o/.well-known/openid-configuration",
        "/.well-known/openid-configuration",
      ],
      jwks: "/application/o/mcp/jwks/",
      oauthMeta: false,
    },
    auth0: {
      discovery: "/.well-known/openid-configuration",
      absent: ["/.well-known/oauth-authorization-server"],
      jwks: "/.well-known/jwks.json",
      oauthMeta: false,
    },
    entra: {
      discovery: `/${ENTRA_TENANT}/v2.0/.well-known/openid-configuration`,
      absent: [
        "/.well-known/oauth-authorization-server",
        `/.well-known/oauth-authorization-server/${ENTRA_TENANT}/v2.0`,
        `/${ENTRA_TENANT}/.well-known/openid-configuration`,
        "/.well-known/openid-configuration",
      ],
      jwks: `/${ENTRA_TENANT}/discovery/v2.0/keys`,
      oauthMeta: false,
    },
    okta: {
      discovery: "/oauth2/default/.well-known/openid-configuration",
      absent: [
        "/.well-known/oauth-authorization-server",
        "/.well-known/oauth-authorization-server/oauth2/default",
        "/.well-known/openid-configuration",
      ],
      jwks: "/oauth2/default/v1/keys",
      oauthMeta: false,
    },
  };

  for (const shape of ["standard", "keycloak", "authentik", "auth0", "entra", "okta"] as const) {
    it(`${shape}: discovery where expected, absent elsewhere, client-credentials JWT verifies with the right aud`, async () => {
      const idp = await startIdp({ shape, audience: shape === "keycloak" ? "mcp-gateway-api" : undefined });
      const exp = expectations[shape];
      const o = idp.origin;

      expect(idp.discoveryUrl).toBe(o + exp.discovery);
      const doc = await (await fetch(idp.discoveryUrl)).json();
      expect(doc.issuer).toBe(idp.issuer);
      expect(doc.jwks_uri).toBe(o + exp.jwks);
      expect(idp.jwksUrl).toBe(o + exp.jwks);
      expect(doc.token_endpoint).toBe(idp.tokenEndpoint);
      for (const p of exp.absent) expect(await status(o + p), p).toBe(404);

      if (exp.oauthMeta) {
        const meta = await (await fetch(`${o}/.well-known/oauth-authorization-server`)).json();
        expect(meta.issuer).toBe(idp.issuer);
        expect(meta.registration_endpoint).toBeTypeOf("string");
        expect(meta.code_challenge_methods_supported).toEqual(["S256"]);
        expect(meta.authorization_response_iss_parameter_supported).toBe(true);
      } else {
        expect(idp.oauthMetadataUrl).toBeUndefined();
      }

      switch (shape) {
        case "standard":
          expect(idp.issuer).toBe(o);
          expect(doc.registration_endpoint).toBe(`${o}/reg`);
          break;
        case "keycloak":
          expect(idp.issuer).toBe(`${o}/realms/mcp`);
          expect(doc.authorization_endpoint).toBe(`${o}/realms/mcp/protocol/openid-connect/auth`);
          expect(doc.token_endpoint).toBe(`${o}/realms/mcp/protocol/openid-connect/token`);
          expect(doc.registration_endpoint).toBeUndefined();
          break;
        case "authentik":
          expect(idp.issuer).toBe(`${o}/application/o/mcp/`);
          expect(doc.authorization_endpoint).toBe(`${o}/application/o/authorize/`);
          expect(doc.token_endpoint).toBe(`${o}/application/o/token/`);
          expect(doc.registration_endpoint).toBeUndefined();
          break;
        case "auth0":
          expect(idp.issuer).toBe(`${o}/`);
          expect(doc.authorization_endpoint).toBe(`${o}/authorize`);
          expect(doc.token_endpoint).toBe(`${o}/oauth/token`);
          expect(doc.registration_endpoint).toBeUndefined();
          expect(doc.code_challenge_methods_supported).toBeUndefined();
          break;
        case "entra":
          expect(idp.issuer).toBe(`${o}/${ENTRA_TENANT}/v2.0`);
          expect(doc.authorization_endpoint).toBe(`${o}/${ENTRA_TENANT}/oauth2/v2.0/authorize`);
          expect(doc.token_endpoint).toBe(`${o}/${ENTRA_TENANT}/oauth2/v2.0/token`);
          expect(doc.registration_endpoint).toBeUndefined();
          break;
        case "okta": {
          expect(idp.issuer).toBe(`${o}/oauth2/default`);
          expect(doc.authorization_endpoint).toBe(`${o}/oauth2/default/v1/authorize`);
          expect(doc.token_endpoint).toBe(`${o}/oauth2/default/v1/token`);
          // Okta's RFC 8414 document is appended to the issuer, not inserted after the origin.
          const appended = await (await fetch(`${o}/oauth2/default/.well-known/oauth-authorization-server`)).json();
          expect(appended.issuer).toBe(idp.issuer);
          break;
        }
      }

      const expectedAud = {
        standard: RESOURCE,
        keycloak: "mcp-gateway-api",
        authentik: idp.clients.gateway.clientId,
        auth0: "https://api.example.test",
        entra: idp.clients.gateway.clientId,
        okta: "api://default",
      }[shape];
      // Entra refuses `resource` and knows the scope only as api://<app>/<scope>.
      const entra = shape === "entra";
      const token = await idp.mintClientCredentialsToken({
        clientId: idp.clients.gateway.clientId,
        resource: entra ? undefined : RESOURCE,
        audience: shape === "auth0" ? "https://api.example.test" : undefined,
        scope: entra ? `api://${idp.clients.gateway.clientId}/mcp:read` : "mcp:read",
      });
      const { payload, protectedHeader } = await verify(idp, token);
      expect(protectedHeader.alg).toBe("RS256");
      expect(protectedHeader.kid).toBeTypeOf("string");
      expect(payload.aud).toBe(expectedAud);
      expect(payload.iss).toBe(idp.issuer);
      if (entra)
        expect(payload).toMatchObject({
          scp: "mcp:read",
          azp: idp.clients.gateway.clientId,
          tid: ENTRA_TENANT,
          ver: "2.0",
        });
      else if (shape === "okta")
        expect(payload).toMatchObject({ scp: ["mcp:read"], cid: idp.clients.gateway.clientId, ver: 1 });
      else expect(payload.scope).toBe("mcp:read");
      expect(payload.exp! - payload.iat!).toBe(3600);
      if (shape === "standard") expect(protectedHeader.typ).toBe("at+jwt");
      // Verification with the served JWKS as a local set works too (what a resource server caches).
      await jwtVerify(token, createLocalJWKSet(idp.jwks), { issuer: idp.issuer, audience: expectedAud });
      // The default minting client is the client-credentials-only one.
      const minted = await idp.mintClientCredentialsToken({
        resource: entra ? undefined : RESOURCE,
        audience: "https://api.example.test",
      });
      const mintedClaims = (await verify(idp, minted)).payload;
      expect(mintedClaims.client_id ?? mintedClaims.azp ?? mintedClaims.cid).toBe(idp.clients.minter.clientId);
      // JWKS fetches are counted (for "one JWKS fetch per cold burst" assertions).
      expect(idp.count(new URL(idp.jwksUrl).pathname)).toBeGreaterThanOrEqual(2);
      await idp.close();
    });
  }

  it("ES256 access tokens on request", async () => {
    const idp = await startIdp({ shape: "standard", alg: "ES256" });
    const token = await idp.mintClientCredentialsToken({ resource: RESOURCE });
    expect(decodeProtectedHeader(token).alg).toBe("ES256");
    expect((await verify(idp, token)).payload.aud).toBe(RESOURCE);
  });

  it("RFC 8414 path insertion for an issuer with a path", async () => {
    const idp = await startIdp({ shape: "standard", issuerPath: "/tenants/acme" });
    expect(idp.issuer).toBe(`${idp.origin}/tenants/acme`);
    expect(idp.oauthMetadataUrl).toBe(`${idp.origin}/.well-known/oauth-authorization-server/tenants/acme`);
    const meta = await (await fetch(idp.oauthMetadataUrl!)).json();
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.token_endpoint).toBe(`${idp.origin}/tenants/acme/token`);
    expect(await status(`${idp.origin}/.well-known/oauth-authorization-server`)).toBe(404);
  });

  it("auth0 refuses client credentials without an audience; keycloak/authentik ignore resource", async () => {
    const auth0 = await startIdp({ shape: "auth0" });
    await expect(auth0.mintClientCredentialsToken({ resource: RESOURCE })).rejects.toThrow(/access_denied/);
    const authentik = await startIdp({ shape: "authentik" });
    const t = await authentik.mintClientCredentialsToken({ resource: RESOURCE });
    expect((await verify(authentik, t)).payload.aud).toBe(authentik.clients.minter.clientId);
  });

  it("entra refuses resource and resource scopes not written api://<app>/<scope>, at the token and authorize endpoints", async () => {
    const entra = await startIdp({ shape: "entra", redirectUris: [REDIRECT] });
    await expect(entra.mintClientCredentialsToken({ resource: RESOURCE })).rejects.toThrow(/AADSTS901002/);
    await expect(entra.mintClientCredentialsToken({ scope: "mcp:read" })).rejects.toThrow(/AADSTS70011.*mcp:read/);
    const authorize = (p: { resource?: string; scope: string }) =>
      fetch(entra.authorizeUrl({ redirectUri: REDIRECT, codeChallenge: pkcePair().challenge, state: "s", ...p }), {
        redirect: "manual",
      });
    expect((await (await authorize({ scope: "openid mcp:read" })).json()).error).toBe("invalid_scope");
    expect((await (await authorize({ scope: "openid", resource: RESOURCE })).json()).error).toBe("invalid_request");
    expect((await authorize({ scope: `openid api://${entra.clients.gateway.clientId}/mcp:read` })).status).toBe(303);
  });
});

describe("scripted login: authorization code + PKCE", () => {
  it("standard IdP: completes the flow, the IdP verifies code_verifier", async () => {
    const idp = await startIdp({ shape: "standard", redirectUris: [REDIRECT] });
    const { challenge } = pkcePair();
    const state = "st-123";
    const url = idp.authorizeUrl({
      redirectUri: REDIRECT,
      scope: "openid mcp:read",
      state,
      codeChallenge: challenge,
      resource: RESOURCE,
    });
    const r = await completeLogin(url, { login: "bob" });
    expect(r.callbackUrl.startsWith(`${REDIRECT}?`)).toBe(true);
    expect(r.state).toBe(state);
    expect(r.iss).toBe(idp.issuer);
    expect(r.code).toBeTypeOf("string");
    expect(r.visited.every((u) => u.startsWith(idp.origin))).toBe(true);

    // Wrong verifier: rejected by the IdP (and the code is then burnt).
    const bad = await idp.exchangeCode({ code: r.code!, redirectUri: REDIRECT, codeVerifier: pkcePair().verifier });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe("invalid_grant");

    // New flow with the right verifier.
    const p2 = pkcePair();
    const r2 = await idp.completeLogin(
      idp.authorizeUrl({
        redirectUri: REDIRECT,
        scope: "openid mcp:read",
        codeChallenge: p2.challenge,
        resource: RESOURCE,
      }),
      { login: "bob" },
    );
    const good = await idp.exchangeCode({ code: r2.code!, redirectUri: REDIRECT, codeVerifier: p2.verifier });
    expect(good.status).toBe(200);
    const { payload } = await verify(idp, good.body.access_token);
    expect(payload.sub).toBe("bob");
    expect(payload.aud).toBe(RESOURCE);
    expect(payload.scope).toBe("mcp:read");
    expect(good.body.id_token).toBeTypeOf("string");
    expect(good.body.refresh_token).toBeTypeOf("string");

    // Missing code_verifier / missing PKCE are refused.
    const r3 = await idp.completeLogin(
      idp.authorizeUrl({ redirectUri: REDIRECT, codeChallenge: pkcePair().challenge, resource: RESOURCE }),
    );
    expect((await idp.exchangeCode({ code: r3.code!, redirectUri: REDIRECT })).status).toBe(400);
    const noPkce = await completeLogin(idp.authorizeUrl({ redirectUri: REDIRECT, resource: RESOURCE }));
    expect(noPkce.error).toBe("invalid_request");
    expect(noPkce.code).toBeUndefined();
  });

  it("deny yields access_denied at the redirect URI; unregistered redirect URIs are never redirected to", async () => {
    const idp = await startIdp({ shape: "keycloak", redirectUris: [REDIRECT] });
    const denied = await completeLogin(
      idp.authorizeUrl({ redirectUri: REDIRECT, codeChallenge: pkcePair().challenge }),
      { deny: true },
    );
    expect(denied.error).toBe("access_denied");
    const evil = "http://127.0.0.1:4998/evil";
    await expect(
      completeLogin(idp.authorizeUrl({ redirectUri: evil, codeChallenge: pkcePair().challenge })),
    ).rejects.toThrow(/redirect_uri/);
    // Redirect URIs can be changed after start (the gateway's callback port is often known later).
    await idp.setRedirectUris([REDIRECT, evil]);
    const ok = await completeLogin(idp.authorizeUrl({ redirectUri: evil, codeChallenge: pkcePair().challenge }));
    expect(ok.code).toBeTypeOf("string");
  });

  for (const shape of ["keycloak", "authentik", "auth0"] as const) {
    it(`${shape}: code flow yields the shape's audience (resource ignored)`, async () => {
      const idp = await startIdp({ shape, redirectUris: [REDIRECT] });
      const { verifier, challenge } = pkcePair();
      const r = await idp.completeLogin(
        idp.authorizeUrl({
          redirectUri: REDIRECT,
          scope: "openid mcp:read",
          codeChallenge: challenge,
          resource: RESOURCE,
          audience: shape === "auth0" ? "https://api.example.test" : undefined,
        }),
      );
      if (shape === "auth0") expect(r.iss).toBeUndefined();
      else expect(r.iss).toBe(idp.issuer);
      // Send `resource` at the token endpoint too, as an RFC 8707 client would: ignored, not an error.
      const t = await idp.exchangeCode({
        code: r.code!,
        redirectUri: REDIRECT,
        codeVerifier: verifier,
        resource: RESOURCE,
      });
      expect(t.status, JSON.stringify(t.body)).toBe(200);
      const { payload } = await verify(idp, t.body.access_token);
      const aud = { keycloak: "account", authentik: idp.clients.gateway.clientId, auth0: "https://api.example.test" }[
        shape
      ];
      expect(payload.aud).toBe(aud);
      expect(payload.sub).toBe("alice");
    });
  }
});

describe("official SDK OAuth flow straight against the standard IdP (no gateway)", () => {
  it("401 -> PRM -> RFC 8414 discovery -> DCR -> PKCE login -> token with aud = resource -> tool call", async () => {
    const idp = await startIdp({ shape: "standard" });
    const jwks = createLocalJWKSet(idp.jwks);
    // The upstream acts as its own resource server here (the gateway's job in the real tests).
    const upstream = await startMcpServer({
      requireAuthHeader: (h) => typeof h === "string" && h.startsWith("Bearer ey"),
    });
    const upstreamUrl = upstream.url;
    const prm = await startPrmHost(upstreamUrl, idp.issuer, "/.well-known/oauth-protected-resource/mcp");

    const { tokens, login, client } = await runSdkAuthFlow({
      serverUrl: upstreamUrl,
      resourceMetadataUrl: new URL(prm),
      scope: "mcp:read",
    });
    expect(client.clientInfo?.client_id).toBeTypeOf("string"); // registered via DCR
    expect(login.iss).toBe(idp.issuer);
    const authz = client.lastAuthorizationUrl!;
    expect(authz.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authz.searchParams.get("resource")).toBe(upstreamUrl);
    const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: idp.issuer, audience: upstreamUrl });
    expect(payload.scope).toBe("mcp:read");

    const mcp = new Client({ name: "t", version: "1" });
    await mcp.connect(new StreamableHTTPClientTransport(new URL(upstreamUrl), { authProvider: client }));
    expect((await mcp.callTool({ name: "add", arguments: { a: 1, b: 2 } })).structuredContent).toEqual({ sum: 3 });
    await mcp.close();
  });
});

describe("MCP test server", () => {
  it("SDK client connects, lists tools, calls echo/add/whoami, and gets stream notifications before the result", async () => {
    const upstream = await startMcpServer();
    const client = new Client({ name: "harness-test", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(upstream.url), {
      requestInit: { headers: { "x-portcullis-subject": "alice", cookie: "a=b" } },
    });
    await client.connect(transport);
    expect(transport.sessionId).toBeTypeOf("string");
    expect(upstream.sessions()).toContain(transport.sessionId);

    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    expect(tools).toEqual(["add", "echo", "stream", "whoami"]);

    const echo = await client.callTool({ name: "echo", arguments: { text: "hello" } });
    expect(echo.content).toEqual([{ type: "text", text: "hello" }]);
    const add = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
    expect(add.structuredContent).toEqual({ sum: 42 });

    const who = await client.callTool({ name: "whoami", arguments: {} });
    const headers = (who.structuredContent as { headers: Record<string, string> }).headers;
    expect(headers["x-portcullis-subject"]).toBe("alice");
    expect(headers.cookie).toBe("a=b");
    expect(headers.authorization).toBeUndefined();
    expect(upstream.lastHeaders()?.["x-portcullis-subject"]).toBe("alice");

    const events: { kind: string; at: number }[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, () => {
      events.push({ kind: "log", at: Date.now() });
    });
    const result = await client.callTool({ name: "stream", arguments: { count: 3, intervalMs: 200 } }, undefined, {
      onprogress: () => events.push({ kind: "progress", at: Date.now() }),
    });
    const resolvedAt = Date.now();
    expect(result.content).toEqual([{ type: "text", text: "streamed 3" }]);
    expect(events.filter((e) => e.kind === "log")).toHaveLength(3);
    expect(events.filter((e) => e.kind === "progress")).toHaveLength(3);
    // The first notification arrived before the call resolved: the tool sleeps 2 intervals after
    // sending it, so a buffering hop would show up as a gap below ~400 ms.
    expect(resolvedAt - events[0].at).toBeGreaterThanOrEqual(350);

    await transport.terminateSession();
    await client.close();
    expect(upstream.requests.some((r) => r.method === "DELETE")).toBe(true);
  });

  it("requireAuthHeader: the upstream does its own auth (passthrough tests)", async () => {
    const upstream = await startMcpServer({
      path: "/custom/mcp",
      requireAuthHeader: "Bearer upstream-secret",
      documents: { "/.well-known/oauth-protected-resource/custom/mcp": { resource: "x" } },
    });
    const r = await fetch(upstream.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(r.status).toBe(401);
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="${upstream.origin}/.well-known/oauth-protected-resource/custom/mcp"`,
    );
    expect(await (await fetch(`${upstream.origin}/.well-known/oauth-protected-resource/custom/mcp`)).json()).toEqual({
      resource: "x",
    });
    const client = new Client({ name: "t", version: "1" });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(upstream.url), {
        requestInit: { headers: { authorization: "Bearer upstream-secret" } },
      }),
    );
    expect((await client.callTool({ name: "echo", arguments: { text: "x" } })).content).toEqual([
      { type: "text", text: "x" },
    ]);
    await client.close();
  });

  it("minimal JSON-RPC upstream and SSE upstream", async () => {
    const mini = await startMinimalJsonRpcUpstream();
    const res = await fetch(mini.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "x" } },
      }),
    });
    expect(await res.json()).toEqual({
      jsonrpc: "2.0",
      id: 7,
      result: { content: [{ type: "text", text: "ok" }], isError: false },
    });
    expect(mini.count).toBe(1);

    const sse = await startSseUpstream({ count: 3, intervalMs: 20 });
    const r = await fetch(`${sse.url}?count=4&intervalMs=10`);
    expect(r.headers.get("content-type")).toBe("text/event-stream");
    const text = await r.text();
    const data = [...text.matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]));
    expect(data.map((d) => d.i)).toEqual([1, 2, 3, 4]);
    expect(data[3].t).toBeGreaterThan(data[0].t);
  });
});

describe.skipIf(skipWithoutPostgres())("PostgreSQL", () => {
  it("starts a private cluster, accepts a query, stops and removes it", async () => {
    const pgi = await startPostgres();
    expect(pgi.url).toMatch(/^postgres:\/\/postgres:[^@]+@127\.0\.0\.1:\d+\/portcullis_test_/);
    const c = new pg.Client({ connectionString: pgi.url });
    await c.connect();
    const r = await c.query("select current_database() as db, 1 + 1 as two");
    expect(r.rows[0]).toEqual({ db: pgi.database, two: 2 });
    await c.end();
    await pgi.stop();
    const c2 = new pg.Client({ connectionString: pgi.url, connectionTimeoutMillis: 2000 });
    await expect(c2.connect()).rejects.toThrow();
    if (pgi.dir) expect(existsSync(pgi.dir)).toBe(false);
  });
});

describe("gateway launcher (with a stub entry, since it does not need the real server)", () => {
  it("spawns, waits for /readyz, passes env/config, captures logs, kills the whole process group", async () => {
    const gw = await startGateway({
      entry: "test/support/fixtures/stub-gateway.ts",
      config: "servers: []\n",
      env: { STUB_READY_AFTER_MS: "500" },
    });
    expect(gw.url).toBe(`http://127.0.0.1:${gw.port}`);
    const env = await (await gw.fetch("/env")).json();
    expect(env.HOST).toBe("127.0.0.1");
    expect(env.PORT).toBe(String(gw.port));
    expect(env.DATABASE_URL).toBe(`file:${gw.dataDir}/portcullis.db`);
    expect(env.LOG_LEVEL).toBe("warn");
    expect(env.PORTCULLIS_NO_CONSOLE).toBe("1");
    expect(env.config).toBe("servers: []\n");
    expect((await gw.api("/api/whoami")).status).toBe(200);
    expect((await gw.fetch("/api/whoami")).status).toBe(401);
    await gw.waitForLog("stub gateway listening");
    expect(gw.logLines().some((l) => l.msg === "stub gateway listening")).toBe(true);
    expect(gw.stderr()).toContain("stub gateway stderr line");

    const grandchild = env.grandchildPid as number;
    expect(() => process.kill(grandchild, 0)).not.toThrow();
    await gw.stop();
    expect(gw.exited()).toBeDefined();
    // Gone (or a zombie awaiting its reaper, which is just as dead).
    const alive = () => {
      try {
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${grandchild}/stat`, "utf8"));
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 20 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
    expect(existsSync(gw.dataDir)).toBe(false);
  });

  it("fails with the child's output when it exits before ready, and on readiness timeout", async () => {
    await expect(
      startGateway({ entry: "test/support/fixtures/stub-gateway.ts", env: { STUB_CRASH: "boom at startup" } }),
    ).rejects.toThrow(/exited before it was ready \(code 3[\s\S]*boom at startup/);
    await expect(
      startGateway({
        entry: "test/support/fixtures/stub-gateway.ts",
        env: { STUB_READY_AFTER_MS: "999999" },
        readyTimeoutMs: 1500,
      }),
    ).rejects.toThrow(/not ready at http:\/\/127\.0\.0\.1:\d+\/readyz within 1500 ms/);
  });

  it("freePort gives a bindable loopback port", async () => {
    const p = await freePort();
    expect(p).toBeGreaterThan(1024);
  });
});

afterAll(async () => {
  // Belt and braces: after cleanup nothing the harness started may survive this file.
  await cleanup.runAll();
  expect(cleanup.size).toBe(0);
  if (process.platform === "linux") {
    const out = execFileSync("ps", ["-eo", "args"], { encoding: "utf8" });
    expect(out).not.toMatch(/stub-gateway\.ts/);
  }
});
