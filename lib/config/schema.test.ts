import { describe, expect, it } from "vitest";
import { configFileSchema, providerSchema, serverSchema, serverPath } from "./schema";
import { zodFieldErrors } from "./field-errors";

const errorsOf = (schema: { safeParse(v: unknown): { success: boolean; error?: unknown } }, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? [] : zodFieldErrors(r.error as never);
};

describe("config schema", () => {
  it("accepts the documented example and fills defaults", () => {
    const file = configFileSchema.parse({
      providers: [
        {
          name: "kc",
          kind: "keycloak",
          issuer: "http://localhost:7080/realms/mcp",
          clientId: "mcp-gateway",
          clientSecret: "x",
          scopes: ["openid", "profile"],
        },
      ],
      servers: [
        {
          name: "fetcher",
          path: "/servers/fetcher/mcp",
          upstream: "http://127.0.0.1:9001/mcp",
          auth: "oauth",
          oauth: {
            provider: "kc",
            mode: "proxy",
            enforcement: "strict",
            audiences: [],
            includeClientIdInAudience: false,
            requiredScopes: [],
            allowedRedirectUris: [],
          },
          publicUrls: ["https://mcp.example.com", "https://internal-gw.example.com/"],
          resourceMetadata: {
            resourceName: "Web fetcher",
            scopesSupported: ["read:all"],
            bearerMethodsSupported: ["header"],
            resourceDocumentation: "http://localhost:3000/docs",
            resourcePolicyUri: "http://localhost:3000/policies",
            extra: { custom: { nested: [1, 2] } },
          },
        },
      ],
    });
    expect(file.servers[0].publicUrls).toEqual(["https://mcp.example.com", "https://internal-gw.example.com"]);
    expect(file.providers[0].clockSkewSeconds).toBe(60);
    const minimal = serverSchema.parse({ name: "a", upstream: "http://x/mcp", auth: "none" });
    expect(serverPath(minimal)).toBe("/servers/a/mcp");
    expect(minimal.identityHeaders).toBe(true);
  });

  it("names every offending field by path, including unknown keys", () => {
    const errs = errorsOf(configFileSchema, {
      providers: [{ name: "KC", issuer: "not a url", kind: "ping", bogus: true }],
      servers: [{ name: "s", upstream: "http://x", auth: "oauth" }],
    });
    const paths = errs.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "providers[0].name",
        "providers[0].issuer",
        "providers[0].kind",
        "providers[0].bogus",
        "servers[0].oauth",
      ]),
    );
    expect(errs.find((e) => e.path === "providers[0].bogus")?.message).toBe("unknown key");
  });

  it("rejects unsafe URLs and redirect URIs", () => {
    expect(errorsOf(providerSchema, { name: "p", issuer: "https://user:pw@idp.example.com" })[0].message).toMatch(
      /credentials/,
    );
    expect(errorsOf(providerSchema, { name: "p", issuer: "javascript:alert(1)" })[0].message).toMatch(/http/);
    const redirect = (u: string) =>
      errorsOf(serverSchema, {
        name: "s",
        upstream: "http://x",
        oauth: { provider: "p", allowedRedirectUris: [u] },
      }).map((e) => e.message);
    expect(redirect("javascript:alert(1)")[0]).toMatch(/not allowed/);
    expect(redirect("https://app.example.com/*")[0]).toMatch(/wildcard/);
    expect(redirect("https://app.example.com/cb#x")[0]).toMatch(/fragment/);
    expect(redirect("http://127.0.0.1/callback")).toEqual([]);
  });

  it("refuses server paths the gateway owns or that are not normalised", () => {
    for (const path of [
      "/api/x",
      "/oauth/kc",
      "/.well-known/x",
      "/",
      "/a/",
      "/a//b",
      "/a/../b",
      "/a?x=1",
      "relative",
    ]) {
      expect(
        errorsOf(serverSchema, { name: "s", upstream: "http://x", auth: "none", path }).length,
        path,
      ).toBeGreaterThan(0);
    }
    expect(errorsOf(serverSchema, { name: "s", upstream: "http://x", auth: "none", path: "/mcp" })).toEqual([]);
  });

  it("keeps computed metadata fields out of `extra`", () => {
    const errs = errorsOf(serverSchema, {
      name: "s",
      upstream: "http://x",
      auth: "none",
      resourceMetadata: { extra: { resource: "https://evil" } },
    });
    expect(errs).toEqual([{ path: "resourceMetadata.extra.resource", message: expect.stringMatching(/computed/) }]);
  });

  it("treats an omitted secret as keep, null as clear", () => {
    expect(providerSchema.parse({ name: "p", issuer: "https://i" }).clientSecret).toBeUndefined();
    expect(providerSchema.parse({ name: "p", issuer: "https://i", clientSecret: null }).clientSecret).toBeNull();
    expect(errorsOf(providerSchema, { name: "p", issuer: "https://i", clientSecret: "" })[0].path).toBe("clientSecret");
  });

  it("only accepts asymmetric signing algorithms", () => {
    expect(errorsOf(providerSchema, { name: "p", issuer: "https://i", algorithms: ["HS256"] })[0].path).toBe(
      "algorithms[0]",
    );
    expect(errorsOf(providerSchema, { name: "p", issuer: "https://i", algorithms: ["none"] })[0].path).toBe(
      "algorithms[0]",
    );
    expect(
      errorsOf(providerSchema, { name: "p", issuer: "https://i", algorithms: ["RS256", "ES256", "EdDSA"] }),
    ).toEqual([]);
  });
});

describe("policy, rate limit and audit schemas", () => {
  const server = (extra: Record<string, unknown>, auth = "oauth") => ({
    name: "s",
    upstream: "http://x/mcp",
    auth,
    ...(auth === "oauth" ? { oauth: { provider: "kc" } } : {}),
    ...extra,
  });

  it("accepts a policy and fills its defaults", () => {
    const s = serverSchema.parse(
      server({
        policy: { rules: [{ name: "w", names: ["add"], action: "require", scopes: ["mcp:write"] }] },
        rateLimits: { perCaller: { capacity: 10, refillPerSecond: 1 } },
        audit: {},
      }),
    );
    expect(s.policy).toEqual({
      default: "allow",
      impliedScopes: {},
      rules: [{ name: "w", names: ["add"], action: "require", scopes: ["mcp:write"] }],
    });
    expect(s.rateLimits).toEqual({ by: "subject", perCaller: { capacity: 10, refillPerSecond: 1 }, perTool: [] });
    expect(s.audit).toEqual({ enabled: true, arguments: false });
    // What the store keeps parses to itself: export → apply changes nothing.
    expect(serverSchema.parse(s)).toEqual(s);
  });

  it("reports every invalid rule by path", () => {
    const errs = errorsOf(
      serverSchema,
      server({
        policy: {
          default: "maybe",
          rules: [
            { name: "a", action: "require" },
            { name: "a", action: "deny", scopes: ["x"] },
            { name: "bad name!", action: "allow", names: [""], caller: { claims: {} } },
            { name: "c", action: "allow", bogus: 1 },
          ],
        },
        rateLimits: { perCaller: { capacity: 0, refillPerSecond: -1 } },
        audit: { enabled: "yes" },
      }),
    );
    const paths = errs.map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "policy.default",
        "policy.rules[0].scopes",
        "policy.rules[1].scopes",
        "policy.rules[2].name",
        "policy.rules[2].names[0]",
        "policy.rules[2].caller.claims",
        "policy.rules[3].bogus",
        "rateLimits.perCaller.capacity",
        "rateLimits.perCaller.refillPerSecond",
        "audit.enabled",
      ]),
    );
    const dup = errorsOf(
      serverSchema,
      server({
        policy: {
          rules: [
            { name: "a", action: "allow" },
            { name: "a", action: "deny" },
          ],
        },
      }),
    );
    expect(dup).toEqual([{ path: "policy.rules[1].name", message: 'duplicate rule name "a" (also rules[0])' }]);
  });

  it("refuses caller conditions and step-up on servers without OAuth, and an empty rate-limit block", () => {
    const errs = errorsOf(
      serverSchema,
      server(
        {
          policy: {
            rules: [
              { name: "a", caller: { subjects: ["x"] }, action: "allow" },
              { name: "b", action: "require", scopes: ["s"] },
              { name: "c", names: ["rm"], action: "deny" },
            ],
          },
          rateLimits: {},
        },
        "none",
      ),
    );
    expect(errs).toEqual([
      { path: "rateLimits", message: "set perCaller, perTool, or both" },
      { path: "policy.rules[0].caller", message: 'needs auth "oauth"' },
      { path: "policy.rules[1].action", message: 'require needs auth "oauth"' },
    ]);
  });
});
