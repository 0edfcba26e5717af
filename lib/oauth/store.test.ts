// State-store semantics, run against the in-memory store and the Prisma repository (SQLite).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createMemoryOAuthStore, type OAuthStore } from "./store";
import { createOAuthRepo } from "../db/oauth-repo";
import { migrate } from "../db/migrate";
import { createPrisma, type Db } from "../db/client";
import { parseDatabaseUrl } from "../db/url";

const dir = mkdtempSync(join(tmpdir(), "portcullis-oauth-store-"));
let db: Db | undefined;
afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

async function prismaStore(): Promise<OAuthStore> {
  const target = parseDatabaseUrl(`file:${join(dir, "t.db")}`);
  await migrate(target);
  db = await createPrisma(target);
  // OAuthClient rows reference a provider.
  await db.provider.upsert({
    where: { name: "p" },
    create: { id: "p1", name: "p", kind: "generic", spec: {} },
    update: {},
  });
  return createOAuthRepo(db);
}

const stores: [string, () => Promise<OAuthStore>][] = [
  ["memory", async () => createMemoryOAuthStore()],
  ["prisma (sqlite)", prismaStore],
];

const now = new Date("2030-01-01T00:00:00Z");
const pending = (stateHash: string, over: Record<string, unknown> = {}) => ({
  stateHash,
  kind: "idp" as const,
  providerName: "p",
  clientId: "c",
  redirectUri: "http://127.0.0.1/cb",
  clientState: "s",
  codeChallenge: "x".repeat(43),
  codeChallengeMethod: "S256",
  facadeIssuer: "http://gw/oauth/p",
  expiresAt: new Date(now.getTime() + 600_000),
  ...over,
});

describe.each(stores)("OAuth state store: %s", (_name, make) => {
  it("consumes a pending authorization exactly once, even concurrently", async () => {
    const s = await make();
    await s.createPending(pending("h1"));
    const results = await Promise.all(Array.from({ length: 5 }, () => s.consumePending("h1", "idp", "p", now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await s.consumePending("h1", "idp", "p", now)).toBeNull();
    expect(await s.findByCodeHash("code-h1")).toBeNull();
    await s.bindCode("h1", "code-h1", new Date(now.getTime() + 600_000));
    expect((await s.findByCodeHash("code-h1"))?.clientId).toBe("c");
  });

  it("keeps the browser and the sign-in parameters with a pending record", async () => {
    const s = await make();
    const loginParams = { prompt: "consent", login_hint: "alice@example.com" };
    await s.createPending(pending("h6", { kind: "consent", browserIdHash: "b6", loginParams }));
    expect(await s.consumePending("h6", "consent", "p", now)).toMatchObject({ browserIdHash: "b6", loginParams });
    await s.createPending(pending("h7"));
    expect((await s.consumePending("h7", "idp", "p", now))?.loginParams).toBeUndefined();
  });

  it("refuses expired, unknown, wrong-kind and wrong-provider records", async () => {
    const s = await make();
    await s.createPending(pending("h2", { expiresAt: new Date(now.getTime() - 1) }));
    expect(await s.consumePending("h2", "idp", "p", now)).toBeNull();
    expect(await s.consumePending("nope", "idp", "p", now)).toBeNull();
    await s.createPending(pending("h3", { kind: "consent", browserIdHash: "b" }));
    expect(await s.consumePending("h3", "idp", "p", now)).toBeNull();
    expect(await s.consumePending("h3", "consent", "other", now)).toBeNull();
    expect((await s.consumePending("h3", "consent", "p", now))?.browserIdHash).toBe("b");
  });

  it("counts flows in flight per kind and per client, and sweeps expired ones", async () => {
    const s = await make();
    const idp = await s.countActivePending("p", "idp", now);
    const consent = await s.countActivePending("p", "consent", now);
    const mine = await s.countActivePendingForClient("counted", now);
    await s.createPending(pending("h4", { clientId: "counted" }));
    await s.createPending(pending("h4c", { clientId: "counted", kind: "consent" }));
    expect(await s.countActivePending("p", "idp", now)).toBe(idp + 1);
    expect(await s.countActivePending("p", "consent", now)).toBe(consent + 1);
    expect(await s.countActivePendingForClient("counted", now)).toBe(mine + 2);
    await s.consumePending("h4c", "consent", "p", now);
    expect(await s.countActivePending("p", "consent", now)).toBe(consent);
    expect(await s.countActivePendingForClient("counted", now)).toBe(mine + 1);
    await s.createPending(pending("h5", { expiresAt: new Date(now.getTime() - 10_000) }));
    expect(await s.sweep(now)).toBeGreaterThanOrEqual(1);
    expect(await s.consumePending("h5", "idp", "p", new Date(0))).toBeNull();
  });

  it("binds refresh tokens to a client, follows rotation and sweeps expired bindings", async () => {
    const s = await make();
    const later = (ms: number) => new Date(now.getTime() + ms);
    const r = { tokenHash: "rt1", providerName: "p", clientId: "c", scope: "mcp:read", expiresAt: later(60_000) };
    await s.saveRefreshToken(r);
    expect(await s.findRefreshToken("rt1")).toMatchObject({ clientId: "c", scope: "mcp:read" });
    expect((await s.findRefreshToken("rt1"))?.resource).toBeUndefined();
    await s.saveRefreshToken({ ...r, scope: "mcp:read openid", resource: "https://x/mcp", expiresAt: later(120_000) });
    expect(await s.findRefreshToken("rt1")).toMatchObject({ scope: "mcp:read openid", resource: "https://x/mcp" });
    await s.expireRefreshTokenAt("rt1", later(1_000));
    expect((await s.findRefreshToken("rt1"))?.expiresAt.getTime()).toBe(later(1_000).getTime());
    await s.expireRefreshTokenAt("rt1", later(50_000)); // never lengthens
    expect((await s.findRefreshToken("rt1"))?.expiresAt.getTime()).toBe(later(1_000).getTime());
    expect(await s.findRefreshToken("nope")).toBeNull();
    await s.sweep(later(2_000));
    expect(await s.findRefreshToken("rt1")).toBeNull();
  });

  it("stores clients and remembers consent per browser and client", async () => {
    const s = await make();
    await s.createClient({
      clientId: "c1",
      providerName: "p",
      redirectUris: ["https://a/cb"],
      metadata: { a: 1 },
      tokenEndpointAuthMethod: "none",
      idpClientId: "idp-c1",
      idpRedirectUri: "https://gw.example/oauth/p/callback",
      createdAt: now,
    });
    expect((await s.getClient("c1"))?.redirectUris).toEqual(["https://a/cb"]);
    expect((await s.getClient("c1"))?.idpRedirectUri).toBe("https://gw.example/oauth/p/callback");
    expect(await s.getClient("c2")).toBeNull();
    expect(await s.getConsent("b1", "c1")).toBeNull();
    await s.saveConsent({ browserIdHash: "b1", clientId: "c1", providerName: "p", scope: "mcp:read", servers: ["a"] });
    expect(await s.getConsent("b1", "c1")).toMatchObject({ scope: "mcp:read", servers: ["a"] });
    expect(await s.getConsent("b2", "c1")).toBeNull();
  });
});
