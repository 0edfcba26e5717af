// Client ID metadata documents at the facade, with the official SDK 1.x client's clientMetadataUrl
// (no registration request) at the standard, Keycloak- and Entra-shaped IdPs. The documents are
// served over https on 127.0.0.1 with a self-signed certificate the gateway trusts through
// NODE_EXTRA_CA_CERTS, their host allowed by PORTCULLIS_CIMD_PRIVATE_HOSTS. Then what must fail:
// a document naming another client_id, a redirect_uri it does not list, a private host not
// allowed (never fetched), the provider's policy, and /token for a client whose document broke.
// Last, two third-party clients with a metadata URL: mcp-remote and the Inspector CLI.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { autoCleanup } from "./support/hooks";
import {
  cleanup,
  CookieJar,
  completeLogin,
  freePort,
  pkcePair,
  startGateway,
  startIdp,
  startMcpServer,
  TestOAuthClient,
  type Gateway,
  type Idp,
} from "./support";
import { startHttpsDocumentServer, type HttpsDocumentServer } from "./support/https-documents";
import { signIn } from "./support/cli-sign-in";
import { INSPECTOR_VERSIONS, runInspectorV2 } from "./support/inspector-cli";
import { connectMcpRemote, MCP_REMOTE_VERSION } from "./support/mcp-remote";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook, facadeConfig, jwtClaims, startStdFacade } from "./oauth-helpers";
import { SHAPES, startShapeFacade } from "./idp-shapes";

autoCleanup();

const REDIRECT = "http://127.0.0.1:41999/callback";

function documentFor(docs: HttpsDocumentServer, path: string, extra: Record<string, unknown> = {}) {
  const clientId = docs.url(path);
  docs.set(path, {
    body: {
      client_id: clientId,
      client_name: "CIMD Test Client",
      client_uri: "https://client.example",
      redirect_uris: [REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...extra,
    },
    headers: { "cache-control": "max-age=300" },
  });
  return clientId;
}

/** An SDK 1.x client that presents a client metadata URL instead of registering. */
function cimdClient(clientMetadataUrl: string): TestOAuthClient {
  return Object.assign(new TestOAuthClient(REDIRECT), { clientMetadataUrl });
}

/** A facade authorization URL with a PKCE challenge and REDIRECT, unless `params` say otherwise. */
function authorizeUrl(gw: Gateway, provider: string, params: Record<string, string>, challenge = pkcePair().challenge) {
  const q = new URLSearchParams({
    response_type: "code",
    redirect_uri: REDIRECT,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "s1",
    ...params,
  });
  return `${gw.url}/oauth/${provider}/authorize?${q}`;
}

/** GET /authorize as a browser would, returning the answer without following it. */
async function authorize(gw: Gateway, provider: string, params: Record<string, string>) {
  const r = await fetch(authorizeUrl(gw, provider, params), { redirect: "manual" });
  return { status: r.status, location: r.headers.get("location"), body: await r.text() };
}

describe("client ID metadata documents: the SDK client signs in with a metadata URL, no registration", () => {
  let docs: HttpsDocumentServer;
  let upstreamUrl: string;
  beforeAll(async () => {
    docs = await startHttpsDocumentServer();
    upstreamUrl = (await startMcpServer()).url;
  });

  for (const setup of [SHAPES.standard, SHAPES.keycloak, SHAPES.entra]) {
    describe(`at a ${setup.shape}-shaped IdP`, () => {
      let idp: Idp;
      let gw: Gateway;
      let provider: string;
      beforeAll(async () => {
        ({ idp, gw, provider } = await startShapeFacade(setup, upstreamUrl, {
          env: {
            NODE_EXTRA_CA_CERTS: docs.certFile,
            PORTCULLIS_CIMD_PRIVATE_HOSTS: docs.host,
            LOG_LEVEL: "info",
            PORTCULLIS_NO_CONSOLE: "0", // the admin API lists the clients
          },
        }));
      });
      afterAll(async () => {
        await gw?.stop();
        await idp?.close();
      });

      it("advertises CIMD and none; signs in with the document, twice, fetching it once; calls a tool", async () => {
        const meta = (await (await gw.fetch(`/.well-known/oauth-authorization-server/oauth/${provider}`)).json()) as {
          client_id_metadata_document_supported?: boolean;
          token_endpoint_auth_methods_supported?: string[];
        };
        expect(meta.client_id_metadata_document_supported).toBe(true);
        expect(meta.token_endpoint_auth_methods_supported).toContain("none");

        const path = `/clients/${setup.shape}.json`;
        const clientId = documentFor(docs, path);
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        const idpRegistrations = () =>
          idp.registrationEndpoint ? idp.count(new URL(idp.registrationEndpoint).pathname) : 0;
        const pages: string[] = [];
        const jar = new CookieJar();
        const first = await runSdkAuthFlow({
          serverUrl,
          client: cimdClient(clientId),
          login: { jar, onPage: consentHook("approve", { pages }) },
        });
        expect(first.client.lastAuthorizationUrl?.searchParams.get("client_id")).toBe(clientId);
        expect(first.client.clientInfo?.client_id).toBe(clientId);
        // The consent page names the document's client and its redirect host, and warns: only loopback.
        expect(pages).toHaveLength(1);
        expect(pages[0]).toContain("CIMD Test Client");
        expect(pages[0]).toContain("127.0.0.1:41999");
        expect(pages[0]).toMatch(/every redirect URI .* is on the user's own machine/i);
        expect(jwtClaims(first.tokens.access_token).iss).toBe(idp.issuer);

        // A second connection of the same client: remembered consent, no new fetch, no new IdP client.
        const registrationsAfterFirst = idpRegistrations();
        const second = await runSdkAuthFlow({ serverUrl, client: cimdClient(clientId), login: { jar } });
        expect(second.tokens.access_token).toBeTruthy();
        expect(docs.count(path)).toBe(1);
        expect(idpRegistrations()).toBe(registrationsAfterFirst);
        if (setup.shape === "standard") expect(registrationsAfterFirst).toBe(1); // one IdP client per document URL

        // No registration at the facade.
        expect(gw.logLines().filter((l) => l.msg === "oauth client registered")).toEqual([]);

        const client = new Client({ name: "cimd-test", version: "1.0.0" });
        await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: second.client }));
        const r = await client.callTool({ name: "echo", arguments: { text: "cimd" } });
        expect((r.content as { text: string }[])[0].text).toBe("cimd");
        await client.close();

        // The console lists it beside registered clients, with its last use.
        const list = (await (await gw.api(`/api/providers/${provider}/clients`)).json()) as {
          clients: { clientId: string; kind: string; clientName: string; lastUsedAt: string | null }[];
        };
        expect(list.clients.find((c) => c.clientId === clientId)).toMatchObject({
          kind: "metadata_document",
          clientName: "CIMD Test Client",
          lastUsedAt: expect.any(String),
        });
      });
    });
  }
});

describe("client ID metadata documents that must fail", () => {
  let docs: HttpsDocumentServer;
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    docs = await startHttpsDocumentServer();
    ({ idp, gw } = await startStdFacade(
      {},
      {
        // Only this exact host:port may be private: the same IP on another port is not.
        env: { NODE_EXTRA_CA_CERTS: docs.certFile, PORTCULLIS_CIMD_PRIVATE_HOSTS: docs.host },
        // A second provider that accepts documents from one domain only, a third with CIMD off.
        edit: (config) => {
          const [provider, server] = [config.providers[0], config.servers[0]];
          config.providers.push(
            { ...provider, name: "picky", clientIdMetadataDocuments: { allowedDomains: ["claude.ai"] } },
            { ...provider, name: "off", clientIdMetadataDocuments: { enabled: false } },
          );
          for (const name of ["picky", "off"])
            config.servers.push({
              ...server,
              name: `tools-${name}`,
              oauth: { ...(server.oauth as object), provider: name },
            });
        },
      },
    ));
    await idp.setRedirectUris(["std", "picky", "off"].map((p) => `${gw.url}/oauth/${p}/callback`));
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const expectErrorPage = (r: { status: number; location: string | null; body: string }, text: RegExp) => {
    expect(r.location).toBeNull();
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.body).toMatch(text);
  };

  it("a document whose client_id differs from its URL: an error page, no redirect", async () => {
    const clientId = documentFor(docs, "/mismatch.json", { client_id: docs.url("/other.json") });
    expectErrorPage(
      await authorize(gw, "std", { client_id: clientId }),
      /must equal the document(&#39;|')s URL exactly/,
    );
  });

  it("a redirect_uri the document does not list: an error page, no redirect", async () => {
    const clientId = documentFor(docs, "/listed.json");
    expectErrorPage(
      await authorize(gw, "std", { client_id: clientId, redirect_uri: "https://evil.example/callback" }),
      /not one the client ID metadata document/,
    );
    // The loopback any-port rule still applies to what the document lists.
    const ok = await authorize(gw, "std", { client_id: clientId, redirect_uri: "http://127.0.0.1:5000/callback" });
    expect(ok.status).toBe(200); // the consent page
  });

  it("a metadata URL on a private host that is not allowed is never fetched", async () => {
    const other = await startHttpsDocumentServer();
    const clientId = documentFor(other, "/private.json");
    expectErrorPage(
      await authorize(gw, "std", { client_id: clientId }),
      /loopback address.*PORTCULLIS_CIMD_PRIVATE_HOSTS/,
    );
    expect(other.count("/private.json")).toBe(0);
    expect(other.requests).toEqual([]);
  });

  it("the provider's policy: allowed domains, and CIMD off (not advertised, refused)", async () => {
    const clientId = documentFor(docs, "/policy.json");
    expectErrorPage(
      await authorize(gw, "picky", { client_id: clientId }),
      /not accepted by provider &quot;picky&quot;|not accepted by provider "picky"/,
    );
    const meta = (await (await gw.fetch("/.well-known/oauth-authorization-server/oauth/off")).json()) as Record<
      string,
      unknown
    >;
    expect(meta.client_id_metadata_document_supported).toBeUndefined();
    expectErrorPage(
      await authorize(gw, "off", { client_id: clientId }),
      /does not accept client ID metadata documents/,
    );
    expect(docs.count("/policy.json")).toBe(0);
  });

  it("/token answers invalid_client for a client whose document no longer validates", async () => {
    const path = "/broken-later.json";
    const clientId = documentFor(docs, path);
    const pkce = pkcePair();
    const login = await completeLogin(authorizeUrl(gw, "std", { client_id: clientId }, pkce.challenge), {
      redirectUri: REDIRECT,
      onPage: consentHook("approve"),
    });
    expect(login.code).toBeTruthy();
    // The document is gone; a second replica on the same database has no cached copy of it.
    docs.set(path, { status: 404, body: { error: "gone" } });
    const replica = await startGateway({
      env: {
        DATABASE_URL: gw.baseEnv.DATABASE_URL,
        NODE_EXTRA_CA_CERTS: docs.certFile,
        PORTCULLIS_CIMD_PRIVATE_HOSTS: docs.host,
      },
    });
    const r = await replica.fetch("/oauth/std/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: login.code!,
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_verifier: pkce.verifier,
      }),
    });
    const body = (await r.json()) as { error: string; error_description: string };
    expect(body.error).toBe("invalid_client");
    expect(r.status).toBe(401);
    expect(body.error_description).toMatch(/HTTP 404/);
    await replica.stop();
  });
});

describe("third-party clients with a client metadata document (standard IdP)", () => {
  let docs: HttpsDocumentServer;
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    docs = await startHttpsDocumentServer();
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    gw = await startGateway({
      config: facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }),
      env: { NODE_EXTRA_CA_CERTS: docs.certFile, PORTCULLIS_CIMD_PRIVATE_HOSTS: docs.host, LOG_LEVEL: "info" },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it(`mcp-remote ${MCP_REMOTE_VERSION} --client-metadata-url signs in without registering`, async () => {
    const callbackPort = await freePort();
    const clientId = documentFor(docs, "/mcp-remote.json", {
      client_name: "mcp-remote via CIMD",
      redirect_uris: [`http://localhost:${callbackPort}/oauth/callback`],
    });
    const configDir = mkdtempSync(join(tmpdir(), "portcullis-mcp-remote-"));
    cleanup.removeOnExit(configDir);
    const remote = await connectMcpRemote({
      serverUrl: `${gw.url}/servers/tools/mcp`,
      configDir,
      callbackPort,
      args: ["--client-metadata-url", clientId],
      onAuthorize: (url) => signIn(url),
    });
    expect(new URL(remote.authorizationUrls[0]).searchParams.get("client_id")).toBe(clientId);
    const r = await remote.client.callTool({ name: "echo", arguments: { text: "remote cimd" } });
    expect((r.content as { text: string }[])[0].text).toBe("remote cimd");
    await remote.close();
    expect(gw.logLines().filter((l) => l.msg === "oauth client registered")).toEqual([]);
  });

  it(`the Inspector CLI ${INSPECTOR_VERSIONS.v2} --client-metadata-url signs in without registering`, async () => {
    const callback = `http://127.0.0.1:${await freePort()}/oauth/callback`;
    const clientId = documentFor(docs, "/inspector.json", {
      client_name: "Inspector via CIMD",
      redirect_uris: [callback],
    });
    const run = await runInspectorV2({
      args: [
        `${gw.url}/servers/tools/mcp`,
        "--method",
        "tools/call",
        "--tool-name",
        "echo",
        "--tool-arg",
        "text=inspector cimd",
        "--client-metadata-url",
        clientId,
        "--callback-url",
        callback,
        "--format",
        "json",
      ],
      onAuthorize: (url) => signIn(url),
    });
    expect(run.code, run.stderr).toBe(0);
    expect(new URL(run.authorizationUrls[0]).searchParams.get("client_id")).toBe(clientId);
    expect((run.json as { result: { content: { text: string }[] } }).result.content[0].text).toBe("inspector cimd");
    expect(gw.logLines().filter((l) => l.msg === "oauth client registered")).toEqual([]);
  });
});
