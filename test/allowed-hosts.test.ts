// Allowed hosts and configured public URLs, replayed against the real gateway: a client's Host header must not
// choose an accepted audience, the facade issuer, or the callback the gateway registers at the IdP. Any Host
// (or trusted forwarded host) that is not one of the gateway's names gets 421 naming ALLOWED_HOSTS, on every
// route; with server publicUrls, the request's own URL is never an audience or an issuer, even with the host
// check turned off; an IdP client registered for one callback is never used with another.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { pkcePair, startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";
import {
  claims,
  INIT_BODY,
  MCP_HEADERS,
  rawRequest,
  startLocalIssuer,
  LOCAL_ISSUER,
  type LocalIssuer,
} from "./rs-support";
import { parseConsentForm } from "./oauth-helpers";

autoCleanup();

const APP_CB = "http://127.0.0.1:45222/cb";

let idp: Idp;
let local: LocalIssuer;
let upstreamUrl: string;

/** Server `pub` has a public URL, `plain` has none (zero config); the facade of `std` serves `fac` on two names. */
const config = () =>
  JSON.stringify({
    providers: [
      { name: "local", issuer: LOCAL_ISSUER, jwksUrl: local.jwksUrl },
      { name: "std", kind: "generic", issuer: idp.issuer, scopes: ["openid"] },
    ],
    servers: [
      {
        name: "pub",
        upstream: upstreamUrl,
        oauth: { provider: "local", mode: "direct" },
        publicUrls: ["https://mcp.example.com"],
      },
      { name: "plain", upstream: upstreamUrl, oauth: { provider: "local", mode: "direct" } },
      {
        name: "fac",
        upstream: upstreamUrl,
        oauth: { provider: "std", mode: "proxy" },
        publicUrls: ["https://a.example.com", "https://b.example.com"],
      },
    ],
  });

beforeAll(async () => {
  const upstream = await startMcpServer();
  upstreamUrl = upstream.url;
  [idp, local] = await Promise.all([startIdp({ shape: "standard" }), startLocalIssuer()]);
});
afterAll(async () => {
  await idp?.close();
});

const mcp = (gw: Gateway, server: string, host: string, token?: string) =>
  rawRequest(`${gw.url}/servers/${server}/mcp`, {
    method: "POST",
    headers: { ...MCP_HEADERS, host, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: INIT_BODY,
  });
const register = (gw: Gateway, host: string) =>
  rawRequest(`${gw.url}/oauth/std/register`, {
    method: "POST",
    headers: { host, "content-type": "application/json" },
    body: JSON.stringify({ redirect_uris: [APP_CB], token_endpoint_auth_method: "none", client_name: "t" }),
  });
const registrations = () => idp.count(new URL(idp.registrationEndpoint!).pathname);
const authorizeUrl = (gw: Gateway, clientId: string) =>
  `${gw.url}/oauth/std/authorize?${new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: APP_CB,
    code_challenge: pkcePair().challenge,
    code_challenge_method: "S256",
  })}`;

/** The IdP client the facade uses for `clientId`: read from its redirect to the IdP (consent approved). */
async function idpClientOf(gw: Gateway, clientId: string, host: string): Promise<{ id: string; redirectUri: string }> {
  const page = await rawRequest(authorizeUrl(gw, clientId), { headers: { host } });
  expect(page.status, page.text).toBe(200);
  const form = parseConsentForm(page.text)!;
  const approved = await rawRequest(`${gw.url}${new URL(form.action).pathname}`, {
    method: "POST",
    headers: {
      host,
      origin: new URL(form.action).origin,
      "content-type": "application/x-www-form-urlencoded",
      cookie: String(page.headers["set-cookie"]![0]).split(";")[0],
    },
    body: new URLSearchParams({ ...form.fields, decision: "approve" }).toString(),
  });
  expect(approved.status, approved.text).toBe(303);
  const to = new URL(String(approved.headers.location));
  return { id: to.searchParams.get("client_id")!, redirectUri: to.searchParams.get("redirect_uri")! };
}

describe("allowed hosts (zero config plus server publicUrls and ALLOWED_HOSTS)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({
      config: config(),
      env: { ALLOWED_HOSTS: ".corp.example, gw.lan", TRUSTED_PROXIES: "loopback" },
    });
  });
  afterAll(() => gw?.stop());

  it("answers 421 naming ALLOWED_HOSTS for any other host, on every route; health probes still answer", async () => {
    for (const [method, path] of [
      ["POST", "/servers/pub/mcp"],
      ["POST", "/servers/plain/mcp"],
      ["GET", "/.well-known/oauth-protected-resource/servers/plain/mcp"],
      ["GET", "/.well-known/oauth-authorization-server/oauth/std"],
      ["POST", "/oauth/std/register"],
      ["GET", "/oauth/std/authorize?client_id=x"],
      ["GET", "/oauth/std/callback?state=x&code=y"],
      ["POST", "/oauth/std/token"],
      ["GET", "/api/auth/session"],
      ["GET", "/no/such/path"],
    ]) {
      const variants: Record<string, string>[] = [
        { host: "attacker.example" },
        { host: "127.0.0.1", "x-forwarded-host": "attacker.example" },
      ];
      for (const headers of variants) {
        const r = await rawRequest(`${gw.url}${path}`, { method, headers, body: method === "POST" ? "{}" : undefined });
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(421);
        const body = r.json();
        expect(body.error).toBe("host_not_allowed");
        expect(body.error_description).toContain("ALLOWED_HOSTS");
        expect(body.error_description).toContain("attacker.example");
      }
    }
    for (const path of ["/healthz", "/readyz"])
      expect((await rawRequest(`${gw.url}${path}`, { headers: { host: "10.1.2.3:3000" } })).status, path).toBe(200);
  });

  it("answers its own names: public URLs, loopback, ALLOWED_HOSTS entries, a trusted proxy's forwarded host", async () => {
    const meta = (headers: Record<string, string>) =>
      rawRequest(`${gw.url}/.well-known/oauth-protected-resource/servers/plain/mcp`, { headers });
    const names: Record<string, string>[] = [
      { host: "mcp.example.com" },
      { host: "A.example.com:443" },
      { host: `localhost:${gw.port}` },
      { host: `127.0.0.1:${gw.port}` },
      { host: "gw.lan:8080" },
      { host: "corp.example" },
      { host: "x.y.corp.example" },
      { host: "internal:3000", "x-forwarded-host": "gw.lan", "x-forwarded-proto": "https" },
    ];
    for (const headers of names) expect((await meta(headers)).status, JSON.stringify(headers)).toBe(200);
    expect((await meta({ host: "notcorp.example" })).status).toBe(421);
    expect((await meta({ host: "gw.lan.attacker.example" })).status).toBe(421);
  });

  it("never accepts a token whose audience is a host the request names", async () => {
    // The attack: aud = the attacker's host, sent with that Host.
    const forged = await local.sign(claims("http://attacker.example/servers/pub/mcp"));
    expect((await mcp(gw, "pub", "attacker.example", forged)).status).toBe(421);
    // From an allowed name (loopback), the request's own URL is not an audience either: pub has a public URL.
    const own = await local.sign(claims(`http://127.0.0.1:${gw.port}/servers/pub/mcp`));
    const r = await mcp(gw, "pub", `127.0.0.1:${gw.port}`, own);
    expect(r.status).toBe(401);
    expect(String(r.headers["www-authenticate"])).toContain(
      'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/servers/pub/mcp"',
    );
    const configured = await local.sign(claims("https://mcp.example.com/servers/pub/mcp"));
    expect((await mcp(gw, "pub", `127.0.0.1:${gw.port}`, configured)).status).toBe(200);
    // Zero config (no publicUrls, no PUBLIC_URL): the request's URL on an allowed name is the resource.
    const zero = await local.sign(claims(`http://127.0.0.1:${gw.port}/servers/plain/mcp`));
    expect((await mcp(gw, "plain", `127.0.0.1:${gw.port}`, zero)).status).toBe(200);
  });

  it("registers nothing at the IdP for a foreign Host, and builds the facade's URLs from configured ones", async () => {
    const before = registrations();
    const r = await register(gw, "attacker.example");
    expect(r.status).toBe(421);
    expect(registrations()).toBe(before);
    // Reached through loopback, the facade still names its configured URL (the request's is not a callback).
    const meta = (
      await rawRequest(`${gw.url}/.well-known/oauth-authorization-server/oauth/std`, {
        headers: { host: `127.0.0.1:${gw.port}` },
      })
    ).json();
    expect(meta.issuer).toBe("https://a.example.com/oauth/std");
    expect(meta.authorization_endpoint).toBe("https://a.example.com/oauth/std/authorize");
    const onB = (
      await rawRequest(`${gw.url}/.well-known/oauth-authorization-server/oauth/std`, {
        headers: { host: "b.example.com" },
      })
    ).json();
    expect(onB.issuer).toBe("https://b.example.com/oauth/std");
  });

  it("never uses an IdP client registered for one callback with another", async () => {
    const reg = await register(gw, "a.example.com");
    expect(reg.status, reg.text).toBe(201);
    const clientId = reg.json().client_id as string;
    const used = await idpClientOf(gw, clientId, "a.example.com");
    expect(used.redirectUri).toBe("https://a.example.com/oauth/std/callback");
    expect(await idp.clientRedirectUris(used.id)).toEqual(["https://a.example.com/oauth/std/callback"]);
    // Through the other public URL: an error page before the consent page, never a redirect to the IdP.
    const other = await rawRequest(authorizeUrl(gw, clientId), { headers: { host: "b.example.com" } });
    expect(other.status).toBe(400);
    expect(other.headers.location).toBeUndefined();
    expect(parseConsentForm(other.text)).toBeUndefined();
    expect(other.text).toContain("https://a.example.com");
  });
});

describe("configured URLs with the host check turned off (ALLOWED_HOSTS=*)", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ config: config(), env: { ALLOWED_HOSTS: "*" } });
  });
  afterAll(() => gw?.stop());

  it("still never accepts the request's URL as an audience for a server with publicUrls", async () => {
    const forged = await local.sign(claims("http://attacker.example/servers/pub/mcp"));
    expect((await mcp(gw, "pub", "attacker.example", forged)).status).toBe(401);
  });

  it("registers the IdP client with the configured callback whatever the Host", async () => {
    const reg = await register(gw, "attacker.example");
    expect(reg.status, reg.text).toBe(201);
    const used = await idpClientOf(gw, reg.json().client_id as string, "attacker.example");
    expect(used.redirectUri).toBe("https://a.example.com/oauth/std/callback");
    expect(await idp.clientRedirectUris(used.id)).toEqual(["https://a.example.com/oauth/std/callback"]);
  });
});
