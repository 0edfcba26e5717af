// The facade's small steps on their own: PKCE, resource and scope checks, refresh-token binding and
// rotation, flow caps (consent pages counted apart from IdP round trips), the browser cookie.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../admin/tokens";
import type { RuntimeServer } from "../../config/model";
import { DEFAULT_LIMITS, type FacadeContext, type FacadeDeps } from "../context";
import { OAuthError } from "../errors";
import { createMemoryOAuthStore, type OAuthClientRecord } from "../store";
import { browserIdFor, isSameBrowser } from "./browser-id";
import { findCodeBinding } from "./code-binding";
import { ensureRoomForFlow } from "./flow-caps";
import { checkIdpCallbackForAuthorize, checkIdpCallbackForToken } from "./idp-callback";
import { verifyPkce } from "./pkce";
import { findRefreshBinding } from "./refresh-binding";
import { checkRefreshScope } from "./refresh-scope";
import { consentCovers } from "./remembered-consent";
import { rememberRefreshToken } from "./remember-refresh-token";
import { checkTokenResource } from "./token-resource";

const base = new URL("https://gw.example.com");
const server = { name: "tools", effectivePath: "/servers/tools/mcp", publicUrls: [] } as unknown as RuntimeServer;
const ctx = {
  provider: { name: "p", scopes: ["openid"] },
  servers: [server],
  base,
  requestBase: base,
  issuer: "https://gw.example.com/oauth/p",
  endpoint: (n: string) => `https://gw.example.com/oauth/p/${n}`,
} as unknown as FacadeContext;

function deps(now = 1_000_000): FacadeDeps {
  const logged: unknown[] = [];
  return {
    store: createMemoryOAuthStore(),
    limits: { ...DEFAULT_LIMITS, maxFlowsPerClient: 3, maxConsentTicketsPerProvider: 2, maxIdpFlowsPerProvider: 2 },
    now: () => now,
    logger: { info() {}, debug() {}, error() {}, warn: (o: unknown) => logged.push(o) },
  } as unknown as FacadeDeps;
}

/** The stable reason a step refused with. */
function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof OAuthError ? `${e.error}:${e.reason}` : String(e);
  }
  return undefined;
}
async function reasonOfAsync(fn: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    return e instanceof OAuthError ? `${e.error}:${e.reason}` : String(e);
  }
  return undefined;
}

const client = (id: string, over: Partial<OAuthClientRecord> = {}): OAuthClientRecord => ({
  clientId: id,
  providerName: "p",
  redirectUris: ["http://127.0.0.1/cb"],
  metadata: {},
  tokenEndpointAuthMethod: "none",
  createdAt: new Date(0),
  ...over,
});

describe("verifyPkce", () => {
  const verifier = "v".repeat(43);
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  it("accepts the verifier of the challenge (RFC 7636 S256)", () => {
    expect(verifyPkce(verifier, challenge)).toBe(verifier);
    // RFC 7636 appendix B.
    expect(
      verifyPkce("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
    ).toBeTruthy();
  });
  it("refuses a wrong, malformed or missing verifier", () => {
    expect(reasonOf(() => verifyPkce("w".repeat(43), challenge))).toBe("invalid_grant:pkce_mismatch");
    expect(reasonOf(() => verifyPkce(challenge, challenge))).toBe("invalid_grant:pkce_mismatch");
    expect(reasonOf(() => verifyPkce("short", challenge))).toBe("invalid_grant:pkce_mismatch");
    expect(reasonOf(() => verifyPkce(`${verifier}!`, challenge))).toBe("invalid_grant:pkce_mismatch");
    expect(reasonOf(() => verifyPkce(undefined, challenge))).toBe("invalid_request:undefined");
  });
});

describe("checkTokenResource", () => {
  const tools = "https://gw.example.com/servers/tools/mcp";
  it("takes the authorized resource, or a presented one that names a server", () => {
    expect(checkTokenResource(undefined, tools, ctx, {})).toBe(tools);
    expect(checkTokenResource(`${tools}/`, tools, ctx, {})).toBe(`${tools}/`);
    expect(checkTokenResource(tools, undefined, ctx, {})).toBe(tools);
    expect(checkTokenResource(undefined, undefined, ctx, {})).toBeUndefined();
  });
  it("refuses another resource", () => {
    expect(reasonOf(() => checkTokenResource("https://evil.example/servers/tools/mcp", tools, ctx, {}))).toBe(
      "invalid_target:resource_unknown",
    );
    expect(reasonOf(() => checkTokenResource("https://evil.example/x", undefined, ctx, {}))).toBe(
      "invalid_target:resource_unknown",
    );
    const two = { ...ctx, servers: [server, { ...server, name: "o", effectivePath: "/servers/o/mcp" }] };
    expect(reasonOf(() => checkTokenResource("https://gw.example.com/servers/o/mcp", tools, two, {}))).toBe(
      "invalid_target:resource_not_authorized",
    );
  });
});

describe("checkRefreshScope", () => {
  it("allows any subset of what was granted, refuses anything more", () => {
    const b = { scope: "mcp:read openid api://app/mcp:read" };
    expect(reasonOf(() => checkRefreshScope(undefined, b))).toBeUndefined();
    expect(reasonOf(() => checkRefreshScope("mcp:read", b))).toBeUndefined();
    expect(reasonOf(() => checkRefreshScope("api://app/mcp:read openid", b))).toBeUndefined();
    expect(reasonOf(() => checkRefreshScope("mcp:read mcp:write", b))).toBe("invalid_scope:scope_not_granted");
  });
});

describe("refresh-token bindings", () => {
  it("remember the consented, provider and granted scopes for the client; follow rotation with a grace period", async () => {
    const d = deps();
    const a = client("a");
    await rememberRefreshToken(
      { access_token: "x", refresh_token: "rt-1", scope: "api://app/mcp:read" },
      { client: a, consented: "mcp:read", resource: "https://gw.example.com/servers/tools/mcp" },
      ctx,
      d,
    );
    const first = await d.store.findRefreshToken(sha256("rt-1"));
    expect(first).toMatchObject({ clientId: "a", scope: "mcp:read openid api://app/mcp:read" });
    expect(first!.expiresAt.getTime()).toBe(d.now() + DEFAULT_LIMITS.refreshTokenIdleMs);

    const bound = await findRefreshBinding(new Map([["refresh_token", "rt-1"]]), a, ctx, d);
    expect(bound.token).toBe("rt-1");
    expect(
      await reasonOfAsync(() => findRefreshBinding(new Map([["refresh_token", "rt-1"]]), client("b"), ctx, d)),
    ).toBe("invalid_grant:refresh_token_other_client");
    expect(await reasonOfAsync(() => findRefreshBinding(new Map([["refresh_token", "nope"]]), a, ctx, d))).toBe(
      "invalid_grant:refresh_token_unknown",
    );

    // Rotation: the new token is bound, the old one only for the grace period.
    await rememberRefreshToken(
      { refresh_token: "rt-2" },
      { client: a, consented: bound.scope, resource: bound.resource, previous: bound },
      ctx,
      d,
    );
    expect((await d.store.findRefreshToken(sha256("rt-2")))?.scope).toBe(first!.scope);
    expect((await d.store.findRefreshToken(sha256("rt-1")))!.expiresAt.getTime()).toBe(
      d.now() + DEFAULT_LIMITS.refreshTokenGraceMs,
    );
    const later = { ...d, now: () => d.now() + DEFAULT_LIMITS.refreshTokenGraceMs + 1 };
    expect(await reasonOfAsync(() => findRefreshBinding(new Map([["refresh_token", "rt-1"]]), a, ctx, later))).toBe(
      "invalid_grant:refresh_token_unknown",
    );
    expect((await findRefreshBinding(new Map([["refresh_token", "rt-2"]]), a, ctx, later)).clientId).toBe("a");
  });

  it("renew the old token when the IdP does not rotate, and store nothing when none is issued", async () => {
    const d = deps();
    const a = client("a");
    await rememberRefreshToken(
      { access_token: "x" },
      { client: a, consented: "mcp:read", resource: undefined },
      ctx,
      d,
    );
    expect(await d.store.findRefreshToken(sha256("x"))).toBeNull();
    const previous = {
      tokenHash: sha256("rt"),
      providerName: "p",
      clientId: "a",
      scope: "mcp:read",
      expiresAt: new Date(d.now() + 1),
    };
    await d.store.saveRefreshToken(previous);
    await rememberRefreshToken(
      { access_token: "y" },
      { client: a, consented: "mcp:read", resource: undefined, previous },
      ctx,
      d,
    );
    expect((await d.store.findRefreshToken(sha256("rt")))!.expiresAt.getTime()).toBe(
      d.now() + DEFAULT_LIMITS.refreshTokenIdleMs,
    );
  });
});

describe("ensureRoomForFlow", () => {
  const pending = (stateHash: string, kind: "consent" | "idp", clientId: string) => ({
    stateHash,
    kind,
    providerName: "p",
    clientId,
    redirectUri: "http://127.0.0.1/cb",
    codeChallenge: "c",
    codeChallengeMethod: "S256",
    facadeIssuer: ctx.issuer,
    expiresAt: new Date(2_000_000),
  });

  it("caps a client's flows, and consent pages apart from IdP round trips", async () => {
    const d = deps();
    await d.store.createPending(pending("c1", "consent", "flooder"));
    await d.store.createPending(pending("c2", "consent", "flooder"));
    // Consent pages are full for the provider; IdP round trips are not.
    expect(await reasonOfAsync(() => ensureRoomForFlow("consent", "other", ctx, d))).toBe(
      "temporarily_unavailable:consent_tickets_full",
    );
    expect(await reasonOfAsync(() => ensureRoomForFlow("idp", "other", ctx, d))).toBeUndefined();
    await d.store.createPending(pending("i1", "idp", "flooder"));
    expect(await reasonOfAsync(() => ensureRoomForFlow("idp", "flooder", ctx, d))).toBe(
      "temporarily_unavailable:client_flows_full",
    );
    // Expired ones do not count.
    const later = { ...d, now: () => 2_000_001 };
    expect(await reasonOfAsync(() => ensureRoomForFlow("consent", "flooder", ctx, later))).toBeUndefined();
  });
});

describe("idp-callback binding", () => {
  it("uses an IdP client only with the callback it was registered for", () => {
    const bound = client("c", { idpClientId: "idp-c", idpRedirectUri: "https://other.example.com/oauth/p/callback" });
    expect(() => checkIdpCallbackForAuthorize(bound, ctx)).toThrow(/other\.example\.com/);
    expect(reasonOf(() => checkIdpCallbackForToken(bound, ctx.endpoint("callback")))).toBe(
      "invalid_grant:idp_callback_mismatch",
    );
    const here = client("c", { idpClientId: "idp-c", idpRedirectUri: ctx.endpoint("callback") });
    expect(() => checkIdpCallbackForAuthorize(here, ctx)).not.toThrow();
    // The provider's own client, and registrations from before the binding was kept, are not bound.
    expect(() => checkIdpCallbackForAuthorize(client("c"), ctx)).not.toThrow();
    expect(() => checkIdpCallbackForAuthorize(client("c", { idpClientId: "old" }), ctx)).not.toThrow();
  });
});

describe("browser id", () => {
  const http = { base: new URL("http://127.0.0.1:3000") };
  it("is a __Host- cookie on https, a plain one on http", () => {
    expect(browserIdFor({ headers: {} }, ctx).setCookie).toMatch(
      /^__Host-portcullis_oauth_browser=[\w-]{43}; Max-Age=31536000; Path=\/; HttpOnly; Secure; SameSite=Lax$/,
    );
    expect(browserIdFor({ headers: {} }, http).setCookie).toMatch(/^portcullis_oauth_browser=[\w-]{43}; .*HttpOnly/);
    expect(browserIdFor({ headers: {} }, http).setCookie).not.toMatch(/Secure/);
  });
  it("reads only the cookie name of the public URL's scheme", () => {
    const id = "x".repeat(43);
    expect(browserIdFor({ headers: { cookie: `portcullis_oauth_browser=${id}` } }, ctx).setCookie).toBeDefined();
    expect(browserIdFor({ headers: { cookie: `__Host-portcullis_oauth_browser=${id}` } }, ctx)).toEqual({
      idHash: sha256(id),
    });
    expect(isSameBrowser({ headers: { cookie: `portcullis_oauth_browser=${id}` } }, ctx, sha256(id))).toBe(false);
    expect(isSameBrowser({ headers: { cookie: `__Host-portcullis_oauth_browser=${id}` } }, ctx, sha256(id))).toBe(true);
    expect(isSameBrowser({ headers: {} }, ctx, sha256(id))).toBe(false);
    expect(isSameBrowser({ headers: { cookie: `__Host-portcullis_oauth_browser=${id}` } }, ctx, undefined)).toBe(false);
  });
});

describe("remembered consent", () => {
  const other = { ...server, name: "other", effectivePath: "/servers/other/mcp" } as unknown as RuntimeServer;
  const two = { ...ctx, servers: [server, other] };
  const consent = (servers: string[], scope = "mcp:read") => ({
    browserIdHash: "b",
    clientId: "c",
    providerName: "p",
    scope,
    servers,
    createdAt: new Date(0),
  });
  const tools = "https://gw.example.com/servers/tools/mcp";
  it("covers only the scopes and the servers the consent page named", () => {
    expect(consentCovers(consent(["tools"]), { scope: "mcp:read", resource: tools }, two, {})).toBe(true);
    expect(consentCovers(consent(["tools"]), { scope: "mcp:read", resource: `${tools}/` }, two, {})).toBe(true);
    expect(consentCovers(consent(["tools"]), { scope: "mcp:read mcp:write", resource: tools }, two, {})).toBe(false);
    expect(
      consentCovers(
        consent(["tools"]),
        { scope: "mcp:read", resource: "https://gw.example.com/servers/other/mcp" },
        two,
        {},
      ),
    ).toBe(false);
    expect(consentCovers(consent(["tools"]), { scope: "mcp:read" }, two, {})).toBe(false);
    expect(consentCovers(consent(["tools", "other"]), { scope: "mcp:read" }, two, {})).toBe(true);
    // Consents kept before the servers were recorded cover nothing; nor does another provider's.
    expect(consentCovers(consent([]), { scope: "mcp:read", resource: tools }, two, {})).toBe(false);
    expect(consentCovers({ ...consent(["tools"]), providerName: "q" }, { resource: tools }, two, {})).toBe(false);
  });
});

describe("code binding", () => {
  it("binds a relayed code to its client and redirect URI for the binding's lifetime only", async () => {
    const d = deps();
    await d.store.createPending({
      stateHash: "s",
      kind: "idp",
      providerName: "p",
      clientId: "a",
      redirectUri: "http://127.0.0.1/cb",
      codeChallenge: "c",
      codeChallengeMethod: "S256",
      facadeIssuer: ctx.issuer,
      expiresAt: new Date(d.now() + 60_000),
    });
    await d.store.consumePending("s", "idp", "p", new Date(d.now()));
    await d.store.bindCode("s", sha256("code-1"), new Date(d.now() + 600_000));
    const form = (over: Record<string, string> = {}) =>
      new Map(Object.entries({ code: "code-1", redirect_uri: "http://127.0.0.1/cb", ...over }));
    expect((await findCodeBinding(form(), client("a"), ctx, d)).clientId).toBe("a");
    expect(await reasonOfAsync(() => findCodeBinding(form(), client("b"), ctx, d))).toBe("invalid_grant:code_unknown");
    expect(
      await reasonOfAsync(() => findCodeBinding(form({ redirect_uri: "http://127.0.0.1/x" }), client("a"), ctx, d)),
    ).toBe("invalid_grant:redirect_uri_mismatch");
    const later = { ...d, now: () => d.now() + 600_000 };
    expect(await reasonOfAsync(() => findCodeBinding(form(), client("a"), ctx, later))).toBe(
      "invalid_grant:code_unknown",
    );
  });
});
