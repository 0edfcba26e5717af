// The facade under attack: redirect-URI near-misses, PKCE downgrades, replayed/unknown/forged
// state, error relay only after state validation, consent CSRF, code bound to its client, and
// PKCE verified by the facade (a wrong code_verifier never reaches the IdP).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import {
  completeLogin,
  CookieJar,
  pkcePair,
  startGateway,
  startIdp,
  startMcpServer,
  type Gateway,
  type Idp,
} from "./support";
import { consentHook, facadeConfig, parseConsentForm } from "./oauth-helpers";

autoCleanup();

const LOOPBACK = "http://127.0.0.1:45678/cb";
const WEB = "https://app.example.com/oauth/cb?tenant=a";

describe("facade: adversarial requests", () => {
  let idp: Idp;
  let gw: Gateway;
  let issuer: string;
  let clientId: string;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    gw = await startGateway({
      config: facadeConfig(
        {
          name: "std",
          kind: "generic",
          issuer: idp.issuer,
          clientId: idp.clients.gateway.clientId,
          clientSecret: idp.clients.gateway.clientSecret,
        },
        { upstream: upstream.url },
      ),
    });
    await idp.setRedirectUris([`${gw.url}/oauth/std/callback`]);
    issuer = `${gw.url}/oauth/std`;
    clientId = await register({
      redirect_uris: [LOOPBACK, WEB],
      token_endpoint_auth_method: "none",
      client_name: "Adversary <b>test</b>",
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  async function register(body: Record<string, unknown>): Promise<string> {
    const r = await gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const j = (await r.json()) as Record<string, any>;
    expect(r.status, JSON.stringify(j)).toBe(201);
    return j.client_id as string;
  }

  function authorizeUrl(p: Record<string, string | undefined>): string {
    const u = new URL(`${issuer}/authorize`);
    const pk = pkcePair();
    const all: Record<string, string | undefined> = {
      response_type: "code",
      client_id: clientId,
      redirect_uri: LOOPBACK,
      code_challenge: pk.challenge,
      code_challenge_method: "S256",
      state: "st-1",
      scope: "mcp:read",
      ...p,
    };
    for (const [k, v] of Object.entries(all)) if (v !== undefined) u.searchParams.set(k, v);
    return u.href;
  }

  /** Runs consent + IdP login and stops at the IdP's redirect to the gateway callback (not followed). */
  async function toGatewayCallback(
    opts: {
      deny?: boolean;
      state?: string;
      redirectUri?: string;
      verifier?: { verifier: string; challenge: string };
    } = {},
  ) {
    const pk = opts.verifier ?? pkcePair();
    const url = authorizeUrl({
      code_challenge: pk.challenge,
      state: opts.state ?? "client-st",
      redirect_uri: opts.redirectUri ?? LOOPBACK,
    });
    const jar = new CookieJar();
    const r = await completeLogin(url, {
      redirectUri: `${issuer}/callback`,
      jar,
      onPage: consentHook("approve"),
      deny: opts.deny,
    });
    return { ...r, pk, jar };
  }

  /** The callback as the browser that started the flow sends it (with its cookies). */
  const inBrowser = (url: string | URL, jar: CookieJar) =>
    fetch(url, { redirect: "manual", headers: { cookie: jar.header(String(url)) ?? "" } });

  describe("registration", () => {
    it.each([
      ["javascript: URI", ["javascript:alert(1)"]],
      ["data: URI", ["data:text/html,hi"]],
      ["wildcard", ["https://*.example.com/cb"]],
      ["plain http on a public host", ["http://app.example.com/cb"]],
      ["a fragment", ["https://app.example.com/cb#x"]],
      ["credentials", ["https://u:p@app.example.com/cb"]],
      ["too many URIs", Array.from({ length: 11 }, (_, i) => `https://app.example.com/cb${i}`)],
      ["an over-long URI", [`https://app.example.com/${"a".repeat(2100)}`]],
    ])("refuses %s", async (_name, uris) => {
      const r = await gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: uris }),
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_redirect_uri");
    });

    it("refuses grant types other than authorization_code/refresh_token", async () => {
      const r = await gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: [LOOPBACK], grant_types: ["client_credentials"] }),
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_client_metadata");
    });

    it("accepts typical MCP client metadata (private-use scheme, extra fields) and issues a secret for confidential clients", async () => {
      const r = await gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          redirect_uris: ["cursor://anysphere.cursor-mcp/oauth/callback", "http://localhost:6274/oauth/callback"],
          client_name: "Cursor",
          software_id: "cursor",
          logo_uri: "https://cursor.com/logo.png",
          unknown_field: { ignored: true },
          token_endpoint_auth_method: "client_secret_post",
        }),
      });
      expect(r.status).toBe(201);
      const j = (await r.json()) as Record<string, unknown>;
      expect(j.client_secret).toEqual(expect.any(String));
      expect(j.unknown_field).toBeUndefined();
      expect(r.headers.get("cache-control")).toBe("no-store");
    });
  });

  describe("authorize: redirect URI near-misses never redirect", () => {
    it.each([
      ["trailing slash", `${LOOPBACK}/`],
      ["different path", "http://127.0.0.1:45678/cb2"],
      ["different host", "http://localhost:45678/cb"],
      ["https instead of http", "https://127.0.0.1:45678/cb"],
      ["non-loopback port change", "https://app.example.com:8443/oauth/cb?tenant=a"],
      ["http instead of https", "http://app.example.com/oauth/cb?tenant=a"],
      ["different query", "https://app.example.com/oauth/cb?tenant=b"],
      ["userinfo trick", "http://127.0.0.1:45678@evil.example/cb"],
    ])("%s → error page, no Location", async (_name, uri) => {
      const r = await fetch(authorizeUrl({ redirect_uri: uri }), { redirect: "manual" });
      expect(r.status).toBe(400);
      expect(r.headers.get("location")).toBeNull();
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    });

    it("unknown client → error page, no Location", async () => {
      const r = await fetch(authorizeUrl({ client_id: "pc_nobody" }), { redirect: "manual" });
      expect(r.status).toBe(400);
      expect(r.headers.get("location")).toBeNull();
    });

    it("a loopback redirect URI may change its port (RFC 8252)", async () => {
      const r = await fetch(authorizeUrl({ redirect_uri: "http://127.0.0.1:50001/cb" }), { redirect: "manual" });
      expect(r.status).toBe(200);
      expect(parseConsentForm(await r.text())).toBeDefined();
    });
  });

  describe("authorize: PKCE", () => {
    it("missing code_challenge → invalid_request at the client's redirect URI", async () => {
      const r = await fetch(authorizeUrl({ code_challenge: undefined, code_challenge_method: undefined }), {
        redirect: "manual",
      });
      expect(r.status).toBe(302);
      const loc = new URL(r.headers.get("location")!);
      expect(loc.origin + loc.pathname).toBe(LOOPBACK);
      expect(loc.searchParams.get("error")).toBe("invalid_request");
      expect(loc.searchParams.get("state")).toBe("st-1");
      expect(loc.searchParams.get("iss")).toBe(issuer);
    });

    it("plain PKCE → invalid_request", async () => {
      const r = await fetch(authorizeUrl({ code_challenge: "a".repeat(43), code_challenge_method: "plain" }), {
        redirect: "manual",
      });
      expect(r.status).toBe(302);
      expect(new URL(r.headers.get("location")!).searchParams.get("error")).toBe("invalid_request");
    });
  });

  describe("consent page", () => {
    it("names the client, redirect URI, server and scopes; escapes HTML; cannot be framed", async () => {
      const r = await fetch(authorizeUrl({}), { redirect: "manual" });
      expect(r.status).toBe(200);
      const html = await r.text();
      expect(html).toContain("Adversary &lt;b&gt;test&lt;/b&gt;");
      expect(html).not.toContain("<b>test</b>");
      expect(html).toContain(LOOPBACK);
      expect(html).toContain("Test tools");
      expect(html).toContain("mcp:read");
      expect(r.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(r.headers.get("x-frame-options")).toBe("DENY");
    });

    it("a consent ticket posted from another browser (no/other cookie) is refused", async () => {
      const r = await fetch(authorizeUrl({}), { redirect: "manual" });
      const form = parseConsentForm(await r.text())!;
      const post = await fetch(form.action, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: "portcullis_oauth_browser=" + "x".repeat(43),
        },
        body: new URLSearchParams({ ...form.fields, decision: "approve" }).toString(),
      });
      expect(post.status).toBe(403);
      expect(post.headers.get("location")).toBeNull();
    });

    it("a cross-site consent post is refused", async () => {
      const r = await fetch(authorizeUrl({}), { redirect: "manual" });
      const cookie = r.headers.getSetCookie()[0].split(";")[0];
      const form = parseConsentForm(await r.text())!;
      const post = await fetch(form.action, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "https://evil.example" },
        body: new URLSearchParams({ ...form.fields, decision: "approve" }).toString(),
      });
      expect(post.status).toBe(403);
    });

    it("deny relays access_denied with the client's state", async () => {
      const r = await completeLogin(authorizeUrl({ state: "deny-me" }), {
        redirectUri: LOOPBACK,
        onPage: consentHook("deny"),
      });
      expect(r.error).toBe("access_denied");
      expect(r.state).toBe("deny-me");
      expect(r.iss).toBe(issuer);
    });
  });

  describe("callback", () => {
    it("relays the code with the client's state and the facade's iss, keeping the redirect URI's query", async () => {
      const cb = await toGatewayCallback({ redirectUri: WEB, state: "web-state" });
      const r = await inBrowser(cb.callbackUrl, cb.jar);
      expect(r.status).toBe(302);
      const loc = new URL(r.headers.get("location")!);
      expect(loc.origin + loc.pathname).toBe("https://app.example.com/oauth/cb");
      expect(loc.searchParams.get("tenant")).toBe("a");
      expect(loc.searchParams.get("code")).toBe(cb.code);
      expect(loc.searchParams.get("state")).toBe("web-state");
      expect(loc.searchParams.get("iss")).toBe(issuer);
    });

    it("a replayed state → error page, no redirect", async () => {
      const cb = await toGatewayCallback();
      const first = await inBrowser(cb.callbackUrl, cb.jar);
      expect(first.status).toBe(302);
      const second = await inBrowser(cb.callbackUrl, cb.jar);
      expect(second.status).toBe(400);
      expect(second.headers.get("location")).toBeNull();
    });

    it("an unknown or missing state → error page, no redirect (forged callback)", async () => {
      for (const q of [
        "?code=forged&state=not-a-state",
        "?code=forged",
        "?error=access_denied&state=forged",
        "?state=a&state=b&code=x",
      ]) {
        const r = await fetch(`${issuer}/callback${q}`, { redirect: "manual" });
        expect(r.status, q).toBe(400);
        expect(r.headers.get("location"), q).toBeNull();
      }
    });

    it("an IdP error is relayed to the client only with a valid state", async () => {
      const cb = await toGatewayCallback({ deny: true, state: "err-state" });
      expect(cb.error).toBe("access_denied"); // the IdP's redirect to the gateway
      const r = await inBrowser(cb.callbackUrl, cb.jar);
      expect(r.status).toBe(302);
      const loc = new URL(r.headers.get("location")!);
      expect(loc.origin + loc.pathname).toBe(LOOPBACK);
      expect(loc.searchParams.get("error")).toBe("access_denied");
      expect(loc.searchParams.get("state")).toBe("err-state");
      expect(loc.searchParams.get("code")).toBeNull();
    });

    it("an iss that is not the IdP's is not relayed as a code (mix-up defence)", async () => {
      const cb = await toGatewayCallback();
      const u = new URL(cb.callbackUrl);
      u.searchParams.set("iss", "https://evil.example");
      const r = await inBrowser(u, cb.jar);
      const loc = new URL(r.headers.get("location")!);
      expect(loc.searchParams.get("code")).toBeNull();
      expect(loc.searchParams.get("error")).toBe("server_error");
    });
    it("a response without iss from an IdP that advertises it is not relayed as a code (RFC 9207)", async () => {
      const cb = await toGatewayCallback();
      const u = new URL(cb.callbackUrl);
      expect(u.searchParams.get("iss")).toBe(idp.issuer);
      u.searchParams.delete("iss");
      const r = await inBrowser(u, cb.jar);
      const loc = new URL(r.headers.get("location")!);
      expect(loc.searchParams.get("code")).toBeNull();
      expect(loc.searchParams.get("error")).toBe("server_error");
    });
  });

  describe("token", () => {
    async function codeFor(redirectUri = LOOPBACK) {
      const cb = await toGatewayCallback({ redirectUri });
      const r = await inBrowser(cb.callbackUrl, cb.jar);
      return { code: new URL(r.headers.get("location")!).searchParams.get("code")!, pk: cb.pk };
    }
    const post = (body: Record<string, string>, headers: Record<string, string> = {}) =>
      gw.fetch("/oauth/std/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams(body).toString(),
      });
    const tokenPath = () => new URL(idp.tokenEndpoint).pathname;

    it("a wrong code_verifier is refused by the facade and never reaches the IdP (PKCE S256 checked here)", async () => {
      const { code, pk } = await codeFor();
      const before = idp.count(tokenPath());
      for (const verifier of [pkcePair().verifier, pk.challenge, "short"]) {
        const r = await post({
          grant_type: "authorization_code",
          code,
          redirect_uri: LOOPBACK,
          client_id: clientId,
          code_verifier: verifier,
        });
        expect(r.status).toBe(400);
        expect(((await r.json()) as { error: string }).error).toBe("invalid_grant");
      }
      expect(idp.count(tokenPath())).toBe(before);
      // The code was not spent at the IdP: the right verifier still redeems it.
      const ok = await post({
        grant_type: "authorization_code",
        code,
        redirect_uri: LOOPBACK,
        client_id: clientId,
        code_verifier: pk.verifier,
      });
      expect(ok.status, await ok.clone().text()).toBe(200);
      expect(idp.count(tokenPath())).toBe(before + 1);
    });

    it("a missing code_verifier is refused", async () => {
      const { code } = await codeFor();
      const r = await post({ grant_type: "authorization_code", code, redirect_uri: LOOPBACK, client_id: clientId });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("invalid_request");
    });

    it("a code cannot be redeemed by another client or with another redirect_uri", async () => {
      const { code, pk } = await codeFor();
      const other = await register({ redirect_uris: [LOOPBACK], token_endpoint_auth_method: "none" });
      const before = idp.count(tokenPath());
      const r1 = await post({
        grant_type: "authorization_code",
        code,
        redirect_uri: LOOPBACK,
        client_id: other,
        code_verifier: pk.verifier,
      });
      expect(r1.status).toBe(400);
      expect(((await r1.json()) as { error: string }).error).toBe("invalid_grant");
      const r2 = await post({
        grant_type: "authorization_code",
        code,
        redirect_uri: "http://127.0.0.1:45678/other",
        client_id: clientId,
        code_verifier: pk.verifier,
      });
      expect(((await r2.json()) as { error: string }).error).toBe("invalid_grant");
      expect(idp.count(tokenPath())).toBe(before);
      // The rightful client still succeeds, and gets a refresh token it can use through the facade.
      const ok = await post({
        grant_type: "authorization_code",
        code,
        redirect_uri: LOOPBACK,
        client_id: clientId,
        code_verifier: pk.verifier,
      });
      const tokens = (await ok.json()) as Record<string, string>;
      expect(ok.status, JSON.stringify(tokens)).toBe(200);
      expect(tokens.access_token).toEqual(expect.any(String));
      if (tokens.refresh_token) {
        const rr = await post({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token,
          client_id: clientId,
        });
        expect(rr.status, await rr.clone().text()).toBe(200);
      }
    });

    it("confidential clients must authenticate", async () => {
      const r = await gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ redirect_uris: [LOOPBACK], token_endpoint_auth_method: "client_secret_basic" }),
      });
      const c = (await r.json()) as { client_id: string; client_secret: string };
      const wrong = await post(
        { grant_type: "authorization_code", code: "x", redirect_uri: LOOPBACK, code_verifier: "v" },
        { authorization: `Basic ${Buffer.from(`${c.client_id}:nope`).toString("base64")}` },
      );
      expect(wrong.status).toBe(401);
      expect(((await wrong.json()) as { error: string }).error).toBe("invalid_client");
      const none = await post({
        grant_type: "authorization_code",
        code: "x",
        redirect_uri: LOOPBACK,
        code_verifier: "v",
        client_id: c.client_id,
      });
      expect(none.status).toBe(401);
      const right = await post(
        { grant_type: "authorization_code", code: "x", redirect_uri: LOOPBACK, code_verifier: "v" },
        { authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString("base64")}` },
      );
      expect(((await right.json()) as { error: string }).error).toBe("invalid_grant"); // authenticated; the code is bogus
    });

    it("unsupported grants and repeated parameters are OAuth errors", async () => {
      const r = await post({ grant_type: "client_credentials", client_id: clientId });
      expect(r.status).toBe(400);
      expect(((await r.json()) as { error: string }).error).toBe("unsupported_grant_type");
      const rep = await gw.fetch("/oauth/std/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `grant_type=authorization_code&code=a&code=b&client_id=${clientId}`,
      });
      expect(((await rep.json()) as { error: string }).error).toBe("invalid_request");
    });
  });
});

describe("facade: direct mode and limits", () => {
  it("serves no facade for a provider used only in direct mode", async () => {
    const idp = await startIdp({ shape: "standard" });
    const upstream = await startMcpServer();
    const cfg = JSON.parse(
      facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer, clientId: "x" }, { upstream: upstream.url }),
    );
    cfg.servers[0].oauth.mode = "direct";
    const gw = await startGateway({ config: JSON.stringify(cfg) });
    try {
      for (const path of [
        "/.well-known/oauth-authorization-server/oauth/std",
        "/oauth/std/.well-known/openid-configuration",
        "/oauth/std/authorize",
        "/oauth/std/token",
      ]) {
        const r = await gw.fetch(path);
        expect(r.status, path).toBe(404);
        expect((await r.json()).error_description, path).toBe(
          `provider "std" has no authorization-server facade: no virtual server uses it with oauth.mode: proxy (in direct mode clients talk to the identity provider itself, ${idp.issuer})`,
        );
      }
    } finally {
      await gw.stop();
      await idp.close();
      await upstream.close();
    }
  });

  it("rate-limits registration per address", async () => {
    const idp = await startIdp({ shape: "standard" });
    const upstream = await startMcpServer();
    const gw = await startGateway({
      config: facadeConfig(
        { name: "std", kind: "generic", issuer: idp.issuer, clientId: "x" },
        { upstream: upstream.url },
      ),
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        const r = await gw.fetch("/oauth/std/register", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ redirect_uris: ["http://127.0.0.1/cb"], token_endpoint_auth_method: "none" }),
        });
        statuses.push(r.status);
        if (r.status === 429) {
          expect(r.headers.get("retry-after")).toBeTruthy();
          break;
        }
      }
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(20);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await gw.stop();
      await idp.close();
      await upstream.close();
    }
  });
});
