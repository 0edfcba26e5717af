// Scenario 1 end to end: the official MCP SDK client, starting from a bare 401 at the gateway's
// MCP URL, discovers the PRM and the facade metadata, registers at the gateway, passes the consent
// page and the IdP login, exchanges the code through the facade and calls a tool through the proxy.
// One IdP per shape (Keycloak-, Authentik-, Auth0-, Entra-, Okta-like, standard with upstream DCR) plus a
// `generic` provider described only by overrides.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth } from "@modelcontextprotocol/sdk/client/auth.js";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { autoCleanup } from "./support/hooks";
import {
  completeLogin,
  CookieJar,
  startGateway,
  startIdp,
  startMcpServer,
  TestOAuthClient,
  type Gateway,
  type Idp,
  type IdpShape,
  type McpTestServer,
} from "./support";
import { consentHook, facadeConfig, jwtClaims, type ProviderYaml } from "./oauth-helpers";

autoCleanup();

const REDIRECT = "http://127.0.0.1:41999/callback";

type Case = {
  title: string;
  shape: IdpShape;
  idp?: Parameters<typeof startIdp>[0];
  provider: (idp: Idp) => ProviderYaml;
  server?: { audiences?: string[]; includeClientIdInAudience?: boolean };
  /** What the access token's aud must be, given the resource URL. */
  expectAud: (resource: string, idp: Idp, idpClientId: string | undefined) => unknown;
  /** Further checks once the token is issued: the IdP's own scope and client claims, what it was asked. */
  expectClaims?: (claims: Record<string, unknown>, idp: Idp) => void;
};

const cases: Case[] = [
  {
    title: "Keycloak-like (realm paths, OIDC discovery only, no DCR, resource ignored)",
    shape: "keycloak",
    idp: { shape: "keycloak", audience: "mcp-gateway-api" },
    provider: (idp) => ({
      name: "kc",
      kind: "keycloak",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
    }),
    server: { audiences: ["mcp-gateway-api"] },
    expectAud: () => "mcp-gateway-api",
  },
  {
    title: "Authentik-like (aud = client id, resource ignored)",
    shape: "authentik",
    provider: (idp) => ({
      name: "ak",
      kind: "authentik",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
    }),
    server: { includeClientIdInAudience: true },
    expectAud: (_r, idp) => idp.clients.gateway.clientId,
  },
  {
    title: "Auth0-like (needs audience, no S256 in metadata, no iss parameter)",
    shape: "auth0",
    idp: { shape: "auth0", tokenEndpointAuthMethod: "client_secret_post" },
    provider: (idp) => ({
      name: "a0",
      kind: "auth0",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
    }),
    expectAud: (resource) => resource,
  },
  {
    // Entra would answer AADSTS901002 to a forwarded `resource` and AADSTS70011 to a bare "mcp:read":
    // the flow only completes if the profile drops one and maps the other to api://<app>/mcp:read.
    title:
      "Entra-like (tenant v2.0 paths, refuses resource, scopes only as api://<app>/<scope>, aud = application id, scp)",
    shape: "entra",
    provider: (idp) => ({
      name: "entra",
      kind: "entra",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
    }),
    server: { includeClientIdInAudience: true },
    expectAud: (_r, idp) => idp.clients.gateway.clientId,
    expectClaims: (claims, idp) =>
      expect(claims).toMatchObject({ scp: "mcp:read", azp: idp.clients.gateway.clientId, ver: "2.0" }),
  },
  {
    title:
      "Okta-like (custom authorization server, metadata appended to the issuer, aud = api://default, scp array, cid)",
    shape: "okta",
    provider: (idp) => ({
      name: "okta",
      kind: "okta",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
    }),
    server: { audiences: ["api://default"] },
    expectAud: () => "api://default",
    expectClaims: (claims, idp) => {
      expect(claims).toMatchObject({ scp: ["mcp:read"], cid: idp.clients.gateway.clientId });
      // The profile asks for OIDC discovery first: never the RFC 8414 location Okta does not serve.
      expect(idp.count("/.well-known/oauth-authorization-server/oauth2/default")).toBe(0);
    },
  },
  {
    title: "standard IdP with RFC 8707 and DCR: the gateway registers its own upstream client",
    shape: "standard",
    idp: { shape: "standard", issuerPath: "/tenants/acme" },
    provider: (idp) => ({ name: "std", kind: "generic", issuer: idp.issuer }),
    expectAud: (resource) => resource,
  },
  {
    title: "generic provider described only by overrides (an Auth0-like IdP the profiles were not written for)",
    shape: "auth0",
    provider: (idp) => ({
      name: "custom",
      kind: "generic",
      issuer: idp.issuer,
      clientId: idp.clients.gateway.clientId,
      clientSecret: idp.clients.gateway.clientSecret,
      overrides: {
        discoveryUrl: idp.discoveryUrl,
        resourceIndicators: false,
        audienceParam: "audience",
        dynamicRegistration: false,
      },
    }),
    expectAud: (resource) => resource,
  },
];

describe("the MCP SDK client completes the flow through the facade", () => {
  let upstream: McpTestServer;
  beforeAll(async () => {
    upstream = await startMcpServer();
  });

  for (const c of cases) {
    describe(c.title, () => {
      let idp: Idp;
      let gw: Gateway;
      let providerName: string;
      beforeAll(async () => {
        idp = await startIdp(c.idp ?? { shape: c.shape });
        const p = c.provider(idp);
        providerName = p.name;
        gw = await startGateway({ config: facadeConfig(p, { upstream: upstream.url, ...c.server }) });
        await idp.setRedirectUris([`${gw.url}/oauth/${p.name}/callback`]);
      });
      afterAll(async () => {
        await gw?.stop();
        await idp?.close();
      });

      it("serves facade metadata at all three discovery locations with the facade issuer", async () => {
        const issuer = `${gw.url}/oauth/${providerName}`;
        for (const path of [
          `/.well-known/oauth-authorization-server/oauth/${providerName}`,
          `/.well-known/openid-configuration/oauth/${providerName}`,
          `/oauth/${providerName}/.well-known/openid-configuration`,
        ]) {
          const r = await gw.fetch(path);
          expect(r.status, path).toBe(200);
          expect(r.headers.get("access-control-allow-origin")).toBe("*");
          const m = (await r.json()) as Record<string, unknown>;
          expect(m.issuer).toBe(issuer);
          expect(m.authorization_endpoint).toBe(`${issuer}/authorize`);
          expect(m.token_endpoint).toBe(`${issuer}/token`);
          expect(m.registration_endpoint).toBe(`${issuer}/register`);
          expect(m.code_challenge_methods_supported).toEqual(["S256"]);
          expect(m.authorization_response_iss_parameter_supported).toBe(true);
          expect(m.jwks_uri).toBe(idp.jwksUrl);
        }
      });

      it("starts from a bare 401, registers, consents, exchanges the code and calls a tool", async () => {
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        // 1. A bare request is refused with a pointer to the PRM document.
        const bare = await fetch(serverUrl, {
          method: "POST",
          headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
          body: JSON.stringify({
            jsonrpc: "2.0",
            id: 1,
            method: "initialize",
            params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
          }),
        });
        expect(bare.status).toBe(401);
        const challenge = bare.headers.get("www-authenticate") ?? "";
        expect(challenge).toMatch(/resource_metadata="/);
        const resourceMetadataUrl = new URL(/resource_metadata="([^"]+)"/.exec(challenge)![1]);

        // 2. The SDK discovers everything and registers; it stops at the authorization redirect.
        const provider = new TestOAuthClient(REDIRECT);
        expect(await auth(provider, { serverUrl, resourceMetadataUrl })).toBe("REDIRECT");
        expect(provider.clientInfo?.client_id).toMatch(/^pc_/);
        if (c.shape === "standard" && !c.provider(idp).clientId) {
          // No pre-registered client: the gateway registered one of its own at the IdP.
          expect(idp.count(new URL(idp.registrationEndpoint!).pathname)).toBe(1);
        }
        const authUrl = provider.authorizationUrl!;
        expect(authUrl.origin + authUrl.pathname).toBe(`${gw.url}/oauth/${providerName}/authorize`);
        expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
        expect(authUrl.searchParams.get("resource")).toBe(serverUrl);

        // 3. The "browser": gateway consent page → IdP login → gateway callback → client redirect.
        const seen = { pages: [] as string[] };
        const jar = new CookieJar();
        const login = await completeLogin(authUrl.href, {
          redirectUri: REDIRECT,
          jar,
          onPage: consentHook("approve", seen),
        });
        expect(seen.pages).toHaveLength(1);
        expect(seen.pages[0]).toContain(provider.clientMetadata.client_name!);
        expect(seen.pages[0]).toContain(REDIRECT);
        expect(login.error).toBeUndefined();
        expect(login.state).toBe(provider.clientState);
        expect(login.iss).toBe(`${gw.url}/oauth/${providerName}`);
        for (const u of login.visited) {
          const url = new URL(u);
          expect([gw.url, idp.origin]).toContain(url.origin); // never anywhere unregistered
        }

        // 4. The SDK exchanges the code at the facade.
        const idpTokenCalls = idp.count(new URL(idp.tokenEndpoint).pathname);
        expect(await auth(provider, { serverUrl, resourceMetadataUrl, authorizationCode: login.code! })).toBe(
          "AUTHORIZED",
        );
        expect(idp.count(new URL(idp.tokenEndpoint).pathname)).toBe(idpTokenCalls + 1);
        const token = provider.savedTokens!.access_token;
        const claims = jwtClaims(token);
        expect(claims.iss).toBe(idp.issuer);
        const aud = c.expectAud(serverUrl, idp, undefined);
        expect(Array.isArray(claims.aud) ? claims.aud : [claims.aud]).toContain(aud);
        c.expectClaims?.(claims, idp);

        // 5. A tool call through the proxy with that token.
        const client = new Client({ name: "facade-test", version: "1.0.0" });
        const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
        await client.connect(transport);
        const result = await client.callTool({ name: "echo", arguments: { text: `hello via ${providerName}` } });
        expect((result.content as { text: string }[])[0].text).toBe(`hello via ${providerName}`);
        await client.close();

        // 6. Consent is remembered for this browser and client: no page the second time.
        const again = new TestOAuthClient(REDIRECT);
        again.clientInfo = provider.clientInfo;
        again.discovery = provider.discovery;
        expect(await auth(again, { serverUrl, resourceMetadataUrl })).toBe("REDIRECT");
        const seen2 = { pages: [] as string[] };
        const login2 = await completeLogin(again.authorizationUrl!.href, {
          redirectUri: REDIRECT,
          jar,
          onPage: consentHook("approve", seen2),
        });
        expect(seen2.pages).toHaveLength(0);
        expect(login2.code).toBeTruthy();
      });
    });
  }
});
