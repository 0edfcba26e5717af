import { beforeAll, describe, expect, it } from "vitest";
import {
  baseClaims,
  CLIENT_ID,
  craft,
  fixture,
  makeKey,
  RESOURCE,
  sign,
  type TestKey,
} from "../../../test/support/token-kit";
import type { RuntimeServer } from "../../config/model";
import { buildExpectedAudiences } from "../expected-audiences";
import { applyFixPatch } from "../fix";
import { audienceOwner } from "../server-audiences";
import { verifyAccessToken } from "../verify";

let rs: TestKey;
beforeAll(async () => {
  rs = await makeKey("RS256", "rs-1");
});

const keycloakToken = () => sign(rs, baseClaims({ aud: ["mcp-tools", "account"] }));

describe("aud check: a named audience (Keycloak audience mapper)", () => {
  it("offers to accept mcp-tools on this server, explained in Keycloak's terms and the form's label", async () => {
    const f = fixture([rs], { provider: { kind: "keycloak" } });
    const d = await verifyAccessToken(await keycloakToken(), f.target);
    expect(d.failed).toMatchObject({ id: "aud", code: "aud_mismatch", actual: ["mcp-tools", "account"] });
    expect(d.failed?.fix).toEqual({
      label: "Accept audience mcp-tools on server fetcher",
      patch: { entity: "server", name: "fetcher", append: { "oauth.audiences": "mcp-tools" } },
    });
    expect(d.failed?.hint).toContain("Audience mapper");
    expect(d.failed?.hint).toContain('"account" comes from Keycloak\'s default roles');
    expect(d.failed?.hint).toContain('"Extra accepted audiences"');
    expect(d.failed?.hint).toContain(RESOURCE);
    expect(d.failed?.hint).not.toContain("oauth.audiences");

    // The fix, applied, makes the same token pass.
    const patched = applyFixPatch({ oauth: { audiences: [] as string[] } }, d.failed!.fix!.patch);
    const fixed = fixture([rs], { provider: { kind: "keycloak" }, server: { audiences: patched.oauth.audiences } });
    expect((await verifyAccessToken(await keycloakToken(), fixed.target)).verdict).toBe("accept");
  });

  it("recognises Keycloak by its account audience even on a generic provider", async () => {
    const d = await verifyAccessToken(await keycloakToken(), fixture([rs]).target);
    expect(d.failed?.hint).toContain("Audience mapper");
    const plain = await verifyAccessToken(await sign(rs, baseClaims({ aud: "api://tools" })), fixture([rs]).target);
    expect(plain.failed?.fix?.label).toBe("Accept audience api://tools on server fetcher");
    expect(plain.failed?.hint).not.toContain("Keycloak");
  });

  it("never offers a value that belongs to another server", async () => {
    const f = fixture([rs], { provider: { kind: "keycloak" } });
    f.target.audienceOwner = (v) => (v === "mcp-tools" ? "tools" : undefined);
    const d = await verifyAccessToken(await keycloakToken(), f.target);
    expect(d.failed).toMatchObject({
      code: "aud_mismatch",
      message: "aud mcp-tools belongs to server tools, not fetcher",
    });
    expect(d.failed?.fix).toBeUndefined();
  });

  it("still offers the value no other server owns when another aud value is owned", async () => {
    const f = fixture([rs], { provider: { kind: "keycloak" } });
    f.target.audienceOwner = (v) => (v === "account" ? "legacy" : undefined);
    const d = await verifyAccessToken(await keycloakToken(), f.target);
    expect(d.failed?.fix?.label).toBe("Accept audience mcp-tools on server fetcher");
  });

  it("never offers another server's resource URL, though it is a near miss of ours", async () => {
    const other = "https://mcp.example.com/servers/other/mcp";
    const f = fixture([rs]);
    const d0 = await verifyAccessToken(await sign(rs, baseClaims({ aud: other })), f.target);
    expect(d0.failed?.fix).toBeDefined(); // same host, another path: offered while no server owns it
    f.target.audienceOwner = (v) => (v === other ? "other" : undefined);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: other })), f.target);
    expect(d.failed?.message).toBe(`aud ${other} belongs to server other, not fetcher`);
    expect(d.failed?.fix).toBeUndefined();
  });

  it("offers nothing for account alone, nor for a token whose signature is not verified", async () => {
    const account = await verifyAccessToken(await sign(rs, baseClaims({ aud: "account" })), fixture([rs]).target);
    expect(account.failed?.fix).toBeUndefined();
    const unsigned = await verifyAccessToken(
      craft({ alg: "none" }, baseClaims({ aud: ["mcp-tools", "account"] })),
      fixture([rs]).target,
    );
    expect(unsigned.checks.find((c) => c.id === "aud")?.fix).toBeUndefined();
  });
});

describe("aud check: without a known resource URL", () => {
  it("still offers the client-id fix when the server has no accepted audience yet", async () => {
    const f = fixture([rs]);
    f.target.expectedAudiences = buildExpectedAudiences({
      serverName: "fetcher",
      resourceUrls: [],
      providerName: "kc",
      clientId: CLIENT_ID,
      includeClientIdInAudience: false,
      audiences: [],
    });
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: CLIENT_ID })), f.target);
    expect(d.failed).toMatchObject({ code: "aud_is_client_id" });
    expect(d.failed?.fix?.patch).toEqual({
      entity: "server",
      name: "fetcher",
      set: { "oauth.includeClientIdInAudience": true },
    });
  });
});

describe("audienceOwner", () => {
  const server = (name: string, extra: Partial<RuntimeServer> = {}): [string, RuntimeServer] => [
    name,
    {
      name,
      upstream: "http://127.0.0.1:9/mcp",
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
      publicUrls: [],
      resourceMetadata: { extra: {} },
      identityHeaders: true,
      maxBodyBytes: 1024 * 1024,
      allowedOrigins: [],
      effectivePath: `/servers/${name}/mcp`,
      ...extra,
    },
  ];
  const servers = new Map([
    server("fetcher"),
    server("tools", { publicUrls: ["https://tools.example.com"] }),
    server("files", {
      oauth: { ...server("x")[1].oauth!, audiences: ["api://files"] },
    }),
  ]);
  const base = new URL("https://gw.example.com");

  it("names the server whose resource URL, path on our hosts, or configured audience the value is", () => {
    expect(audienceOwner(servers, "fetcher", "https://tools.example.com/servers/tools/mcp", undefined)).toBe("tools");
    expect(audienceOwner(servers, "fetcher", "https://gw.example.com/servers/tools/mcp/", undefined, base)).toBe(
      "tools",
    );
    expect(audienceOwner(servers, "fetcher", "api://files", undefined)).toBe("files");
  });

  it("is undefined for this server's own values and for foreign hosts", () => {
    expect(audienceOwner(servers, "fetcher", "https://gw.example.com/servers/fetcher/mcp", undefined, base)).toBe(
      undefined,
    );
    expect(audienceOwner(servers, "fetcher", "https://api.other.example/servers/tools/mcp", undefined, base)).toBe(
      undefined,
    );
    expect(audienceOwner(servers, "fetcher", "mcp-tools", undefined, base)).toBe(undefined);
  });
});
