import { describe, expect, it } from "vitest";
import { profileFor, PROFILES } from "./profiles";
import { mapScopes, rewriteAuthorizeParams, rewriteTokenParams, describeRewrites } from "./rewrites";
import type { RuntimeProvider } from "../config/model";

const provider = (p: Partial<RuntimeProvider>): RuntimeProvider =>
  ({
    name: "p",
    kind: "generic",
    issuer: "https://idp.example.com",
    scopes: [],
    clockSkewSeconds: 60,
    ...p,
  }) as RuntimeProvider;

describe("profiles", () => {
  it("has a profile for every kind", () => {
    expect(Object.keys(PROFILES).sort()).toEqual(["auth0", "authentik", "entra", "generic", "keycloak", "okta"]);
  });

  it("builds each kind's JWKS convention from the issuer", () => {
    expect(
      profileFor(provider({ kind: "keycloak", issuer: "https://kc.example.com/realms/mcp" })).conventions.jwks,
    ).toBe("https://kc.example.com/realms/mcp/protocol/openid-connect/certs");
    expect(
      profileFor(provider({ kind: "authentik", issuer: "https://ak.example.com/application/o/mcp/" })).conventions.jwks,
    ).toBe("https://ak.example.com/application/o/mcp/jwks/");
    expect(profileFor(provider({ kind: "auth0", issuer: "https://t.auth0.com/" })).conventions.jwks).toBe(
      "https://t.auth0.com/.well-known/jwks.json",
    );
    expect(
      profileFor(provider({ kind: "entra", issuer: "https://login.microsoftonline.com/tid/v2.0" })).conventions.jwks,
    ).toBe("https://login.microsoftonline.com/tid/discovery/v2.0/keys");
    expect(profileFor(provider({ kind: "okta", issuer: "https://x.okta.com/oauth2/default" })).conventions.jwks).toBe(
      "https://x.okta.com/oauth2/default/v1/keys",
    );
    expect(profileFor(provider({ kind: "generic" })).conventions.jwks).toBeUndefined();
  });

  it("lets overrides replace any field and says which ones did", () => {
    const p = profileFor(
      provider({
        kind: "keycloak",
        overrides: { dropResource: false, resourceIndicators: true, scopeMap: { read: "api/read" } },
      }),
    );
    expect(p.dropResource).toBe(false);
    expect(p.resourceIndicators).toBe(true);
    expect(p.scopeMap).toEqual({ read: "api/read" });
    expect(p.overridden.sort()).toEqual(["dropResource", "resourceIndicators", "scopeMap"]);
  });

  it("a generic IdP that does not honour RFC 8707 gets resource dropped by default", () => {
    expect(profileFor(provider({ overrides: { resourceIndicators: false } })).dropResource).toBe(true);
    expect(profileFor(provider({})).dropResource).toBe(false);
  });
});

describe("rewrites", () => {
  const resource = "https://gw.example.com/servers/a/mcp";
  const params = () => new URLSearchParams({ resource, scope: "mcp:read openid", client_id: "up" });

  it("generic: keeps resource and scopes", () => {
    const p = params();
    rewriteAuthorizeParams(p, profileFor(provider({})), {});
    expect(p.get("resource")).toBe(resource);
    expect(p.get("scope")).toBe("mcp:read openid");
  });

  it("keycloak and authentik: drop resource", () => {
    for (const kind of ["keycloak", "authentik"] as const) {
      const p = params();
      rewriteAuthorizeParams(p, profileFor(provider({ kind })), {});
      expect(p.has("resource")).toBe(false);
    }
  });

  it("auth0: sends the resource as audience and drops resource", () => {
    const p = params();
    const done = rewriteAuthorizeParams(p, profileFor(provider({ kind: "auth0" })), {});
    expect(p.get("audience")).toBe(resource);
    expect(p.has("resource")).toBe(false);
    expect(done.map((d) => d.param)).toContain("audience");
  });

  it("auth0: extraAuthorizeParams.audience wins over the resource", () => {
    const p = params();
    rewriteAuthorizeParams(
      p,
      profileFor(provider({ kind: "auth0", overrides: { extraAuthorizeParams: { audience: "https://api" } } })),
      {},
    );
    expect(p.get("audience")).toBe("https://api");
  });

  it("entra: drops resource and maps resource scopes to api://<client id>/…, OIDC scopes unchanged", () => {
    const p = params();
    rewriteAuthorizeParams(
      p,
      profileFor(provider({ kind: "entra", issuer: "https://login.microsoftonline.com/t/v2.0" })),
      { idpClientId: "app-1" },
    );
    expect(p.has("resource")).toBe(false);
    expect(p.get("scope")).toBe("api://app-1/mcp:read openid");
  });

  it("scopeMap wins over the template; provider scopes are added once", () => {
    const prof = profileFor(provider({ kind: "entra", overrides: { scopeMap: { "mcp:read": "api://custom/read" } } }));
    expect(
      mapScopes("mcp:read mcp:write", prof, { idpClientId: "c", extraScopes: ["openid", "api://custom/read"] }),
    ).toBe("api://custom/read api://c/mcp:write openid");
  });

  it("mapping is idempotent: scopes already in the IdP's form pass unchanged", () => {
    const entra = profileFor(
      provider({ kind: "entra", overrides: { scopeMap: { "mcp:write": "api://custom/write" } } }),
    );
    const ctx = { idpClientId: "app-1", extraScopes: ["openid"] };
    const once = mapScopes("read:all mcp:write offline_access", entra, ctx);
    expect(once).toBe("api://app-1/read:all api://custom/write offline_access openid");
    expect(mapScopes(once, entra, ctx)).toBe(once);
    // Another application's scope is not this template's form: it is still mapped (and the IdP says no).
    expect(mapScopes("api://other/read", entra, { idpClientId: "app-1" })).toBe("api://app-1/api://other/read");
  });

  it("entra refresh: the scope the IdP returned is sent back as it is", () => {
    const p = new URLSearchParams({ grant_type: "refresh_token", scope: "api://app-1/read:all offline_access" });
    const done = rewriteTokenParams(p, profileFor(provider({ kind: "entra" })), { idpClientId: "app-1" });
    expect(p.get("scope")).toBe("api://app-1/read:all offline_access");
    expect(done).toEqual([]);
  });

  it("token requests: resource dropped where the profile says so, kept otherwise", () => {
    const kc = new URLSearchParams({ grant_type: "authorization_code", resource });
    rewriteTokenParams(kc, profileFor(provider({ kind: "keycloak" })), {});
    expect(kc.has("resource")).toBe(false);
    const std = new URLSearchParams({ grant_type: "authorization_code", resource });
    rewriteTokenParams(std, profileFor(provider({})), {});
    expect(std.get("resource")).toBe(resource);
  });

  it("describes the rewrites for discover", () => {
    expect(describeRewrites(profileFor(provider({ kind: "auth0" }))).map((q) => q.id)).toEqual([
      "audience_param",
      "drop_resource",
    ]);
  });
});
