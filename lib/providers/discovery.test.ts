import { describe, expect, it } from "vitest";
import { FetchError } from "../net";
import type { RuntimeProvider } from "../config/model";
import {
  candidateDocuments,
  discoveryUrlFor,
  getProviderMetadata,
  MetadataCache,
  resolveJwksUrl,
  type FetchJsonFn,
} from "./discovery";
import { discoverProvider, formatDiscoveryReport } from "./discover-report";
import { profileFor } from "./profiles";

const provider = (p: Partial<RuntimeProvider>): RuntimeProvider =>
  ({
    name: "p",
    kind: "generic",
    issuer: "https://idp.example.com/tenant",
    scopes: [],
    clockSkewSeconds: 60,
    ...p,
  }) as RuntimeProvider;

/** A fake network: url → JSON document (anything else 404s). */
function fakeFetch(docs: Record<string, unknown>, calls: string[] = []): FetchJsonFn {
  return async (url) => {
    calls.push(String(url));
    if (!(String(url) in docs)) throw new FetchError("fetch_http_status", String(url), "HTTP 404", { status: 404 });
    return {
      data: docs[String(url)],
      response: {
        url: String(url),
        status: 200,
        headers: new Headers(),
        body: Buffer.alloc(0),
        redirects: 0,
        address: "203.0.113.1",
      },
    };
  };
}

describe("discovery URLs", () => {
  it("builds all three forms (RFC 8414 path insertion, OIDC appended, OIDC inserted)", () => {
    const iss = "https://idp.example.com/tenant/";
    expect(discoveryUrlFor(iss, "oauth")).toBe("https://idp.example.com/.well-known/oauth-authorization-server/tenant");
    expect(discoveryUrlFor(iss, "oidc")).toBe("https://idp.example.com/tenant/.well-known/openid-configuration");
    expect(discoveryUrlFor(iss, "oidc-inserted")).toBe(
      "https://idp.example.com/.well-known/openid-configuration/tenant",
    );
    expect(discoveryUrlFor("https://idp.example.com", "oauth")).toBe(
      "https://idp.example.com/.well-known/oauth-authorization-server",
    );
  });

  it("tries an explicit discoveryUrl first, then the profile's order", () => {
    const p = provider({ kind: "keycloak", overrides: { discoveryUrl: "https://elsewhere.example.com/meta" } });
    expect(candidateDocuments(p, profileFor(p)).map((c) => c.form)).toEqual([
      "configured",
      "oidc",
      "oauth",
      "oidc-inserted",
    ]);
  });
});

describe("metadata and JWKS resolution", () => {
  const doc = {
    issuer: "https://idp.example.com/tenant",
    authorization_endpoint: "https://idp.example.com/a",
    token_endpoint: "https://idp.example.com/t",
    jwks_uri: "https://idp.example.com/keys",
  };

  it("uses the first document whose issuer matches and caches it", async () => {
    const calls: string[] = [];
    const deps = {
      fetchJson: fakeFetch({ "https://idp.example.com/tenant/.well-known/openid-configuration": doc }, calls),
      cache: new MetadataCache(),
    };
    const m = await getProviderMetadata(provider({}), deps);
    expect(m.source).toBe("https://idp.example.com/tenant/.well-known/openid-configuration");
    expect(m.jwksSource).toBe("discovery");
    const n = calls.length;
    await getProviderMetadata(provider({}), deps);
    expect(calls.length).toBe(n);
  });

  it("skips a document with another issuer", async () => {
    const deps = {
      fetchJson: fakeFetch({
        "https://idp.example.com/.well-known/oauth-authorization-server/tenant": {
          ...doc,
          issuer: "https://evil.example.com",
        },
      }),
      cache: new MetadataCache(),
    };
    await expect(getProviderMetadata(provider({}), deps)).rejects.toThrow(/issuer/);
  });

  it("resolveJwksUrl: explicit → discovery → convention", async () => {
    const none = { fetchJson: fakeFetch({}), cache: new MetadataCache() };
    expect(await resolveJwksUrl(provider({ jwksUrl: "https://k.example.com/jwks" }), none)).toBe(
      "https://k.example.com/jwks",
    );
    expect(
      await resolveJwksUrl(provider({}), {
        fetchJson: fakeFetch({ "https://idp.example.com/.well-known/oauth-authorization-server/tenant": doc }),
        cache: new MetadataCache(),
      }),
    ).toBe("https://idp.example.com/keys");
    expect(await resolveJwksUrl(provider({ kind: "keycloak", issuer: "https://kc.example.com/realms/r" }), none)).toBe(
      "https://kc.example.com/realms/r/protocol/openid-connect/certs",
    );
    await expect(resolveJwksUrl(provider({}), none)).rejects.toThrow();
  });

  it("a config change (new issuer) invalidates the cached entry", async () => {
    const cache = new MetadataCache();
    const other = { ...doc, issuer: "https://idp2.example.com" };
    const f = fakeFetch({
      "https://idp.example.com/tenant/.well-known/openid-configuration": doc,
      "https://idp2.example.com/.well-known/oauth-authorization-server": other,
    });
    expect((await getProviderMetadata(provider({}), { fetchJson: f, cache })).issuer).toBe(doc.issuer);
    expect(
      (await getProviderMetadata(provider({ issuer: "https://idp2.example.com" }), { fetchJson: f, cache })).issuer,
    ).toBe(other.issuer);
  });
});

describe("discoverProvider", () => {
  it("reports documents, capabilities, JWKS key ids, quirks and problems", async () => {
    const p = provider({ kind: "auth0", issuer: "https://t.auth0.example/", clientId: "c" });
    const r = await discoverProvider(p, {
      fetchJson: fakeFetch({
        "https://t.auth0.example/.well-known/openid-configuration": {
          issuer: "https://t.auth0.example/",
          authorization_endpoint: "https://t.auth0.example/authorize",
          token_endpoint: "https://t.auth0.example/oauth/token",
          jwks_uri: "https://t.auth0.example/.well-known/jwks.json",
        },
        "https://t.auth0.example/.well-known/jwks.json": { keys: [{ kid: "k1", kty: "RSA", alg: "RS256" }] },
      }),
    });
    expect(r.documents.find((d) => d.form === "oidc")).toMatchObject({ found: true, issuerMatches: true });
    expect(r.documents.find((d) => d.form === "oauth")).toMatchObject({ found: false, status: 404 });
    expect(r.capabilities.pkceS256).toBeNull();
    expect(r.capabilities.dynamicRegistration).toBe(false);
    expect(r.jwks).toMatchObject({ reachable: true, keyIds: ["k1"] });
    expect(r.quirks.map((q) => q.id)).toContain("audience_param");
    expect(r.ok).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(formatDiscoveryReport(r)).toContain("k1");
  });

  it("flags a trailing-slash issuer mismatch and an unreachable JWKS", async () => {
    const p = provider({ issuer: "https://idp.example.com/tenant", clientId: "c" });
    const r = await discoverProvider(p, {
      fetchJson: fakeFetch({
        "https://idp.example.com/.well-known/oauth-authorization-server/tenant": {
          issuer: "https://idp.example.com/tenant/",
          authorization_endpoint: "https://idp.example.com/a",
          token_endpoint: "https://idp.example.com/t",
          jwks_uri: "https://idp.example.com/keys",
          code_challenge_methods_supported: ["S256"],
        },
      }),
    });
    expect(r.problems.find((x) => x.item === "documents.oauth")?.severity).toBe("warning");
    expect(r.problems.find((x) => x.item === "jwks")?.severity).toBe("error");
    expect(r.capabilities.pkceS256).toBe(true);
    expect(r.ok).toBe(false);
  });
});
