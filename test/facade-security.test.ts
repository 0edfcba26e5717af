// Attacks on the OAuth facade, replayed against the real gateway and a real IdP (oidc-provider), with
// separate cookie jars for the attacker's browser and the victim's: an IdP sign-in link handed to a victim,
// refresh tokens, `resource` and `scope` at the token endpoint, PKCE with an IdP that ignores it, planted
// cookies, a backslash in a loopback redirect URI, cacheable metadata without Vary, and sign-in parameters
// lost behind the consent page (no refresh token on a first sign-in).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { completeLogin, CookieJar, pkcePair, type Gateway, type Idp } from "./support";
import { consentHook, parseConsentForm, startStdFacade } from "./oauth-helpers";

autoCleanup();

const ATTACKER_CB = "https://attacker.example/cb";
const APP_CB = "http://127.0.0.1:45111/cb";
const PASSWORD = "correct-horse-battery";

/** One browser: its own cookie jar, redirects not followed. */
async function browse(jar: CookieJar, url: string, init: RequestInit & { cookie?: string } = {}): Promise<Response> {
  const { cookie, ...rest } = init;
  const headers = new Headers(rest.headers);
  const c = cookie ?? jar.header(url);
  if (c) headers.set("cookie", c);
  const r = await fetch(url, { ...rest, headers, redirect: "manual" });
  jar.store(url, r);
  return r;
}

/** The facade of provider `std` on one gateway, as a client and a browser use it. */
function facadeOf(gw: Gateway, idp: Idp) {
  const issuer = `${gw.url}/oauth/std`;
  const f = {
    issuer,
    idpTokenCalls: () => idp.count(new URL(idp.tokenEndpoint).pathname),
    async register(body: Record<string, unknown>): Promise<string> {
      const r = await gw.fetch("/oauth/std/register", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token_endpoint_auth_method: "none", ...body }),
      });
      const j = (await r.json()) as Record<string, string>;
      expect(r.status, JSON.stringify(j)).toBe(201);
      return j.client_id;
    },
    authorizeUrl(p: Record<string, string | undefined>): string {
      const u = new URL(`${issuer}/authorize`);
      const all: Record<string, string | undefined> = {
        response_type: "code",
        code_challenge_method: "S256",
        code_challenge: pkcePair().challenge,
        state: "client-state",
        scope: "mcp:read",
        ...p,
      };
      for (const [k, v] of Object.entries(all)) if (v !== undefined) u.searchParams.set(k, v);
      return u.href;
    },
    /** Posts the consent page's form in this browser (the action path, on the gateway's own address). */
    async approve(jar: CookieJar, page: Response, origin = gw.url): Promise<Response> {
      const form = parseConsentForm(await page.text());
      expect(form, "a consent page").toBeDefined();
      return browse(jar, `${gw.url}${new URL(form!.action).pathname}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", origin },
        body: new URLSearchParams({ ...form!.fields, decision: "approve" }).toString(),
      });
    },
    token(body: Record<string, string | undefined>): Promise<Response> {
      const form = new URLSearchParams();
      for (const [k, v] of Object.entries(body)) if (v !== undefined) form.set(k, v);
      return gw.fetch("/oauth/std/token", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
    },
    /** A whole sign-in in one browser: consent page, IdP login, callback; returns the relayed code. */
    async signIn(p: {
      clientId: string;
      redirectUri?: string;
      scope?: string;
      resource?: string;
      extra?: Record<string, string>;
    }) {
      const pk = pkcePair();
      const redirectUri = p.redirectUri ?? APP_CB;
      const url = f.authorizeUrl({
        client_id: p.clientId,
        redirect_uri: redirectUri,
        code_challenge: pk.challenge,
        scope: p.scope ?? "mcp:read",
        resource: p.resource,
        ...p.extra,
      });
      const r = await completeLogin(url, { redirectUri, jar: new CookieJar(), onPage: consentHook("approve") });
      expect(r.error, r.errorDescription).toBeUndefined();
      return { code: r.code!, verifier: pk.verifier, redirectUri, visited: r.visited };
    },
  };
  return f;
}

const errorOf = async (r: Response) => ((await r.json()) as { error: string }).error;

describe("facade security", () => {
  let idp: Idp;
  let gw: Gateway;
  let f: ReturnType<typeof facadeOf>;
  let tools: string;

  beforeAll(async () => {
    ({ idp, gw } = await startStdFacade({}, { edit: (c) => c.servers.push({ ...c.servers[0], name: "other" }) }));
    f = facadeOf(gw, idp);
    tools = `${gw.url}/servers/tools/mcp`;
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  describe("an IdP sign-in link handed to another browser (the IdP-side state is bound to the browser)", () => {
    it("never relays the victim's code to the attacker's client, and spends the flow", async () => {
      // The attacker registers a client of their own and consents in their own browser.
      const attacker = await f.register({ redirect_uris: [ATTACKER_CB], client_name: "Helpful tool" });
      const pk = pkcePair();
      const attackerJar = new CookieJar();
      const page = await browse(
        attackerJar,
        f.authorizeUrl({ client_id: attacker, redirect_uri: ATTACKER_CB, code_challenge: pk.challenge }),
      );
      expect(page.status).toBe(200);
      const approved = await f.approve(attackerJar, page);
      expect(approved.status).toBe(303);
      const idpLink = approved.headers.get("location")!;
      expect(idpLink.startsWith(idp.authorizationEndpoint)).toBe(true);

      // The victim has used the gateway before (their own cookie), is sent the link and signs in at the IdP.
      const victimJar = new CookieJar();
      const legit = await f.register({ redirect_uris: [APP_CB], client_name: "Victim's app" });
      expect((await browse(victimJar, f.authorizeUrl({ client_id: legit, redirect_uri: APP_CB }))).status).toBe(200);
      const login = await completeLogin(idpLink, {
        redirectUri: `${f.issuer}/callback`,
        jar: victimJar,
        login: "victim",
      });
      expect(login.code).toBeTruthy();

      // Their browser reaches the gateway's callback: an error page, nothing relayed.
      const cb = await browse(victimJar, login.callbackUrl);
      expect(cb.status).toBe(403);
      expect(cb.headers.get("location")).toBeNull();
      expect(await cb.text()).not.toContain(login.code!);
      // The flow is spent: not even the attacker's own browser can finish it with the victim's response.
      const replay = await browse(attackerJar, login.callbackUrl);
      expect(replay.status).toBe(400);
      expect(replay.headers.get("location")).toBeNull();
      // And the victim's code is not redeemable through the facade.
      const stolen = await f.token({
        grant_type: "authorization_code",
        code: login.code,
        redirect_uri: ATTACKER_CB,
        client_id: attacker,
        code_verifier: pk.verifier,
      });
      expect(stolen.status).toBe(400);
      expect(await errorOf(stolen)).toBe("invalid_grant");
    });

    it("refuses a callback that carries no gateway cookie at all", async () => {
      const client = await f.register({ redirect_uris: [APP_CB] });
      const jar = new CookieJar();
      const page = await browse(jar, f.authorizeUrl({ client_id: client, redirect_uri: APP_CB }));
      const idpLink = (await f.approve(jar, page)).headers.get("location")!;
      const login = await completeLogin(idpLink, { redirectUri: `${f.issuer}/callback`, jar: new CookieJar() });
      const cb = await fetch(login.callbackUrl, { redirect: "manual" });
      expect(cb.status).toBe(403);
      expect(cb.headers.get("location")).toBeNull();
    });
  });

  describe("remembered consent", () => {
    it("remembers consent only for the servers the consent page named", async () => {
      // The user allows a client for one server; the page says nothing of the provider's other servers.
      const client = await f.register({ redirect_uris: [APP_CB], client_name: "Weather tool" });
      const other = `${gw.url}/servers/other/mcp`;
      const jar = new CookieJar();
      const link = (resource?: string) => f.authorizeUrl({ client_id: client, redirect_uri: APP_CB, resource });
      const page = await browse(jar, link(tools));
      const html = await page.clone().text();
      expect(html).toContain("/servers/tools/mcp");
      expect(html).not.toContain("/servers/other/mcp");
      expect((await f.approve(jar, page)).status).toBe(303);
      const remembered = await browse(jar, link(tools));
      expect(remembered.status).toBe(302);
      expect(remembered.headers.get("location")!.startsWith(idp.authorizationEndpoint)).toBe(true);

      // The same client asking for another server, or for all of them, is asked about again, by name.
      for (const [what, resource] of [
        ["another server", other],
        ["every server", undefined],
      ] as const) {
        const r = await browse(jar, link(resource));
        expect(r.status, what).toBe(200);
        expect(r.headers.get("location"), what).toBeNull();
        const form = await r.text();
        expect(parseConsentForm(form), what).toBeDefined();
        expect(form, what).toContain("/servers/other/mcp");
      }

      // Allowing every server covers each of them from then on.
      const all = await browse(jar, link());
      expect((await f.approve(jar, all)).status).toBe(303);
      for (const resource of [other, tools, undefined]) {
        const r = await browse(jar, link(resource));
        expect(r.status, resource).toBe(302);
        expect(r.headers.get("location")!.startsWith(idp.authorizationEndpoint), resource).toBe(true);
      }
    });
  });

  describe("the token endpoint binds refresh tokens, resource and scope", () => {
    let a: string;
    let b: string;
    beforeAll(async () => {
      a = await f.register({ redirect_uris: [APP_CB], client_name: "A" });
      b = await f.register({ redirect_uris: [APP_CB], client_name: "B" });
    });
    const redeem = async (clientId: string, s: { code: string; verifier: string }, resource?: string) => {
      const r = await f.token({
        grant_type: "authorization_code",
        code: s.code,
        redirect_uri: APP_CB,
        client_id: clientId,
        code_verifier: s.verifier,
        resource,
      });
      const j = (await r.json()) as Record<string, string>;
      expect(r.status, JSON.stringify(j)).toBe(200);
      return j;
    };

    it("redeems a refresh token only for the client it was issued to", async () => {
      const tokens = await redeem(a, await f.signIn({ clientId: a, resource: tools }), tools);
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const before = f.idpTokenCalls();
      const stolen = await f.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: b });
      expect(stolen.status).toBe(400);
      expect(await errorOf(stolen)).toBe("invalid_grant");
      expect(f.idpTokenCalls()).toBe(before); // refused here: the IdP knows only the gateway's client

      const own = await f.token({ grant_type: "refresh_token", refresh_token: tokens.refresh_token, client_id: a });
      const renewed = (await own.json()) as Record<string, string>;
      expect(own.status, JSON.stringify(renewed)).toBe(200);
      // Rotated or not, what A holds now is still A's alone.
      const current = renewed.refresh_token ?? tokens.refresh_token;
      const again = await f.token({ grant_type: "refresh_token", refresh_token: current, client_id: b });
      expect(await errorOf(again)).toBe("invalid_grant");
      expect((await f.token({ grant_type: "refresh_token", refresh_token: current, client_id: a })).status).toBe(200);
      // A refresh token the facade never relayed is refused too.
      const unknown = await f.token({
        grant_type: "refresh_token",
        refresh_token: "not-a-relayed-token",
        client_id: a,
      });
      expect(await errorOf(unknown)).toBe("invalid_grant");
    });

    it("requires resource to be one of the provider's servers, and the authorized one for a code or a refresh", async () => {
      const s = await f.signIn({ clientId: a, resource: tools });
      const before = f.idpTokenCalls();
      for (const resource of ["https://evil.example/servers/tools/mcp", `${gw.url}/servers/other/mcp`]) {
        const r = await f.token({
          grant_type: "authorization_code",
          code: s.code,
          redirect_uri: APP_CB,
          client_id: a,
          code_verifier: s.verifier,
          resource,
        });
        expect(r.status, resource).toBe(400);
        expect(await errorOf(r), resource).toBe("invalid_target");
      }
      expect(f.idpTokenCalls()).toBe(before);
      const tokens = await redeem(a, s, tools);
      // The user consented to `tools` only: a refresh token of that sign-in never buys a token for another server.
      for (const resource of ["https://evil.example/servers/tools/mcp", `${gw.url}/servers/other/mcp`]) {
        const r = await f.token({
          grant_type: "refresh_token",
          refresh_token: tokens.refresh_token,
          client_id: a,
          resource,
        });
        expect(r.status, resource).toBe(400);
        expect(await errorOf(r), resource).toBe("invalid_target");
      }
      expect(f.idpTokenCalls()).toBe(before + 1); // refused here, whatever the IdP would have said
      const same = await f.token({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: a,
        resource: tools,
      });
      expect(same.status, await same.clone().text()).toBe(200);
    });

    it("never widens the consented scope on refresh", async () => {
      const tokens = await redeem(a, await f.signIn({ clientId: a, scope: "mcp:read", resource: tools }), tools);
      const before = f.idpTokenCalls();
      const wider = await f.token({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: a,
        scope: "mcp:read mcp:write",
      });
      expect(wider.status).toBe(400);
      expect(await errorOf(wider)).toBe("invalid_scope");
      expect(f.idpTokenCalls()).toBe(before);
      const same = await f.token({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token,
        client_id: a,
        scope: "mcp:read",
      });
      expect(same.status, await same.clone().text()).toBe(200);
    });
  });

  describe("redirect URIs and metadata", () => {
    it("does not let a backslash move a loopback redirect URI's path", async () => {
      const client = await f.register({ redirect_uris: ["http://127.0.0.1:7890/cb"] });
      for (const uri of ["http://127.0.0.1:7890\\x/cb", "http://127.0.0.1:7891\\x/cb"]) {
        const r = await fetch(f.authorizeUrl({ client_id: client, redirect_uri: uri }), { redirect: "manual" });
        expect(r.status, uri).toBe(400);
        expect(r.headers.get("location")).toBeNull();
        expect(parseConsentForm(await r.text())).toBeUndefined();
      }
      const ok = await fetch(f.authorizeUrl({ client_id: client, redirect_uri: "http://127.0.0.1:7891/cb" }));
      expect(ok.status).toBe(200);
    });

    it("serves host-dependent metadata with a Vary that names what picks the host", async () => {
      for (const path of [
        "/.well-known/oauth-authorization-server/oauth/std",
        "/oauth/std/.well-known/openid-configuration",
        "/.well-known/oauth-protected-resource/servers/tools/mcp",
      ]) {
        const r = await gw.fetch(path);
        expect(r.status, path).toBe(200);
        const vary = (r.headers.get("vary") ?? "").toLowerCase();
        for (const h of ["host", "forwarded", "x-forwarded-host", "x-forwarded-proto"]) expect(vary, path).toContain(h);
      }
    });
  });
});

describe("facade security: PKCE is verified by the facade, even with an IdP that ignores it", () => {
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    ({ idp, gw } = await startStdFacade({ ignorePkce: true }));
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("refuses a wrong code_verifier before the IdP is asked", async () => {
    const f = facadeOf(gw, idp);
    const client = await f.register({ redirect_uris: [APP_CB] });
    const s = await f.signIn({ clientId: client });
    const before = f.idpTokenCalls();
    const wrong = await f.token({
      grant_type: "authorization_code",
      code: s.code,
      redirect_uri: APP_CB,
      client_id: client,
      code_verifier: pkcePair().verifier,
    });
    expect(wrong.status).toBe(400);
    expect(await errorOf(wrong)).toBe("invalid_grant");
    expect(f.idpTokenCalls()).toBe(before);
    const right = await f.token({
      grant_type: "authorization_code",
      code: s.code,
      redirect_uri: APP_CB,
      client_id: client,
      code_verifier: s.verifier,
    });
    expect(right.status, await right.clone().text()).toBe(200);
  });
});

describe("facade security: sign-in parameters survive the consent page", () => {
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    // oidc-provider's own rule: a refresh token only for a granted offline_access, granted only with prompt=consent.
    ({ idp, gw } = await startStdFacade({ refreshTokens: "offline_access" }));
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("forwards prompt, login_hint, ui_locales and max_age after consent: a first sign-in gets its refresh token", async () => {
    const f = facadeOf(gw, idp);
    const client = await f.register({ redirect_uris: [APP_CB], client_name: "mcp-remote" });
    const extra = { prompt: "consent", login_hint: "alice@example.test", ui_locales: "de", max_age: "3600" };
    const s = await f.signIn({ clientId: client, scope: "mcp:read offline_access", extra });
    const atIdp = s.visited.map((u) => new URL(u)).find((u) => u.href.startsWith(idp.authorizationEndpoint));
    expect(atIdp, s.visited.join("\n")).toBeDefined();
    for (const [k, v] of Object.entries(extra)) expect(atIdp!.searchParams.get(k), k).toBe(v);
    const r = await f.token({
      grant_type: "authorization_code",
      code: s.code,
      redirect_uri: APP_CB,
      client_id: client,
      code_verifier: s.verifier,
    });
    const tokens = (await r.json()) as Record<string, string>;
    expect(r.status, JSON.stringify(tokens)).toBe(200);
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const refreshed = await f.token({
      grant_type: "refresh_token",
      refresh_token: tokens.refresh_token,
      client_id: client,
    });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
  });
});

describe("facade security: gateway cookies under an https public URL", () => {
  const PUBLIC = "https://gw.example.test";
  let idp: Idp;
  let gw: Gateway;
  beforeAll(async () => {
    ({ idp, gw } = await startStdFacade({}, { env: { PUBLIC_URL: PUBLIC, ADMIN_PASSWORD: PASSWORD } }));
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const hostOnly = (setCookie: string, name: string) => {
    expect(setCookie.startsWith(`__Host-${name}=`), setCookie).toBe(true);
    const attrs = setCookie.split(";").map((a) => a.trim().toLowerCase());
    expect(attrs).toEqual(expect.arrayContaining(["secure", "path=/", "httponly", "samesite=lax"]));
    expect(attrs.some((a) => a.startsWith("domain="))).toBe(false);
    return setCookie.split(";")[0].slice(setCookie.indexOf("=") + 1);
  };

  it("names the browser cookie __Host-, and a planted cookie never skips consent", async () => {
    const f = facadeOf(gw, idp);
    const attacker = await f.register({ redirect_uris: [ATTACKER_CB], client_name: "Helpful tool" });
    const attackLink = f.authorizeUrl({ client_id: attacker, redirect_uri: ATTACKER_CB });
    // The attacker consents in their own browser: consent is remembered for their browser id.
    const attackerJar = new CookieJar();
    const page = await browse(attackerJar, attackLink);
    expect(page.status).toBe(200);
    const id = hostOnly(page.headers.getSetCookie()[0], "portcullis_oauth_browser");
    expect((await f.approve(attackerJar, page, PUBLIC)).status).toBe(303);
    const skipped = await browse(attackerJar, attackLink);
    expect(skipped.status).toBe(302); // remembered: straight to the IdP
    expect(skipped.headers.get("location")!.startsWith(idp.authorizationEndpoint)).toBe(true);

    // A sibling subdomain or another site can set a bare-named cookie (Domain=example.test), never a __Host- one.
    for (const cookie of [
      `portcullis_oauth_browser=${id}`,
      `__Host-portcullis_oauth_browser=${"A".repeat(43)}`,
      `portcullis_oauth_browser=${id}; __Host-portcullis_oauth_browser=${"B".repeat(43)}`,
    ]) {
      const r = await browse(new CookieJar(), attackLink, { cookie });
      expect(r.status, cookie).toBe(200);
      expect(parseConsentForm(await r.text()), cookie).toBeDefined();
    }
  });

  it("names the console session cookie __Host-, and ignores a bare-named one", async () => {
    const login = await gw.fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: PUBLIC },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const sid = hostOnly(login.headers.getSetCookie()[0], "portcullis_session");
    const session = async (cookie: string) =>
      ((await (await gw.fetch("/api/auth/session", { headers: { cookie } })).json()) as { authenticated: boolean })
        .authenticated;
    expect(await session(`__Host-portcullis_session=${sid}`)).toBe(true);
    expect(await session(`portcullis_session=${sid}`)).toBe(false);
  });
});
