/**
 * The same repository suite against the embedded SQLite database and a real
 * PostgreSQL started by the harness: migrations (idempotent, concurrent
 * starters), atomic apply, export round trip, secrets encrypted at rest, admin
 * sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parseDatabaseUrl, type DatabaseTarget } from "../lib/db/url";
import { migrate } from "../lib/db/migrate";
import { createPrisma, type Db } from "../lib/db/client";
import { createConfigRepo, type ConfigRepo } from "../lib/db/config-repo";
import { createAdminRepo } from "../lib/db/admin-repo";
import { createOAuthRepo } from "../lib/db/oauth-repo";
import { createClientLifecycleRepo } from "../lib/db/client-lifecycle-repo";
import { createRateLimitRepo } from "../lib/db/rate-limit-repo";
import type { OAuthClientRecord } from "../lib/oauth/store";
import { createSecretBox } from "../lib/secrets/secret-box";
import { applyConfigText, exportConfigText } from "../lib/config/apply";
import { isAppError } from "../lib/errors";
import { REPO_ROOT, skipWithoutPostgres, startPostgres, type TestPostgres } from "./support";

const execFileP = promisify(execFile);

const GOOD = `
providers:
  - name: kc
    kind: keycloak
    issuer: http://127.0.0.1:7080/realms/mcp
    clientId: mcp-gateway
    clientSecret: super-secret-value
    scopes: [openid, profile]
servers:
  - name: fetcher
    upstream: http://127.0.0.1:9001/mcp
    oauth: { provider: kc, requiredScopes: [read], audiences: [api://fetcher] }
    publicUrls: [https://mcp.example.com, https://internal-gw.example.com]
    upstreamAuth: { header: X-Api-Key, value: upstream-secret-value }
    resourceMetadata:
      resourceName: Web fetcher
      scopesSupported: [read]
      extra: { x-owner: team-a }
  - name: open
    upstream: http://127.0.0.1:9002/mcp
    auth: none
`;

/** What GOOD exports to, byte for byte, on either database. */
const EXPORTED_GOOD = `# Portcullis configuration.
# Secrets are not exported; leaving them out keeps the stored values when this file is applied.

providers:
  # clientSecret: set (not exported)
  - name: kc
    kind: keycloak
    issuer: http://127.0.0.1:7080/realms/mcp
    clientId: mcp-gateway
    scopes:
      - openid
      - profile
    clockSkewSeconds: 60
servers:
  # upstreamAuth.value: set (not exported)
  - name: fetcher
    upstream: http://127.0.0.1:9001/mcp
    auth: oauth
    oauth:
      provider: kc
      mode: proxy
      enforcement: strict
      audiences:
        - api://fetcher
      includeClientIdInAudience: false
      requiredScopes:
        - read
      allowedRedirectUris: []
    publicUrls:
      - https://mcp.example.com
      - https://internal-gw.example.com
    resourceMetadata:
      resourceName: Web fetcher
      scopesSupported:
        - read
      extra:
        x-owner: team-a
    upstreamAuth:
      header: X-Api-Key
    identityHeaders: true
    maxBodyBytes: 4194304
    allowedOrigins: []
  - name: open
    upstream: http://127.0.0.1:9002/mcp
    auth: none
    publicUrls: []
    resourceMetadata:
      extra: {}
    identityHeaders: true
    maxBodyBytes: 4194304
    allowedOrigins: []
`;

/** Two valid entries and three bad ones: nothing may be applied. */
const BAD = `
providers:
  - name: kc
    issuer: http://127.0.0.1:7080/realms/changed
servers:
  - name: fetcher
    upstream: http://127.0.0.1:9999/mcp
    oauth: { provider: kc2 }
  - name: Bad_Name
    upstream: http://127.0.0.1:9003/mcp
    auth: none
  - name: other
    upstream: ftp://127.0.0.1/mcp
    auth: none
    unknownKey: 1
`;

type Ctx = { target: DatabaseTarget; db: Db; repo: ConfigRepo };

function suite(name: string, makeUrl: () => Promise<string>) {
  describe(name, () => {
    const ctx = {} as Ctx;
    beforeAll(async () => {
      ctx.target = parseDatabaseUrl(await makeUrl());
      await migrate(ctx.target);
      ctx.db = await createPrisma(ctx.target);
      ctx.repo = createConfigRepo(ctx.db, createSecretBox(randomBytes(32)));
    });
    afterAll(async () => {
      await ctx.db?.$disconnect();
    });

    it("migrations are idempotent and safe when several processes start at once", async () => {
      const script =
        "import { parseDatabaseUrl } from './lib/db/url'; import { migrate } from './lib/db/migrate'; console.log(JSON.stringify(await migrate(parseDatabaseUrl(process.env.DATABASE_URL))));";
      const fresh =
        ctx.target.kind === "sqlite" ? `file:${join(mkdtempSync(join(tmpdir(), "pc-mig-")), "p.db")}` : ctx.target.url;
      const runs = await Promise.all(
        [1, 2, 3].map(() =>
          execFileP(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
            cwd: REPO_ROOT,
            env: { ...process.env, DATABASE_URL: fresh },
          }),
        ),
      );
      const results = runs.map((r) => JSON.parse(r.stdout.trim()) as { applied: string[]; alreadyApplied: string[] });
      // Postgres was migrated in beforeAll already; SQLite starts empty: exactly one process applies.
      const appliedBy = results.filter((r) => r.applied.length > 0).length;
      expect(appliedBy).toBe(ctx.target.kind === "sqlite" ? 1 : 0);
      for (const r of results) expect([...r.applied, ...r.alreadyApplied]).toContain("0001_init");
      expect((await migrate(ctx.target)).applied).toEqual([]);
    });

    it("applies a valid file, then a file with several errors changes nothing and names every error", async () => {
      const first = await applyConfigText(ctx.repo, GOOD, { actor: "test" });
      expect(first.created.sort()).toEqual(["provider/kc", "server/fetcher", "server/open"]);
      const before = await exportConfigText(ctx.repo);
      const versionBefore = await ctx.repo.version();

      const err = await applyConfigText(ctx.repo, BAD, { actor: "test" }).catch((e) => e);
      expect(isAppError(err)).toBe(true);
      expect(err.fields.map((f: { path: string }) => f.path)).toEqual([
        "servers[0].oauth.provider",
        "servers[1].name",
        "servers[2].unknownKey",
        "servers[2].upstream",
      ]);
      expect(err.fields[0].message).toBe('unknown provider "kc2"');
      expect(await ctx.repo.version()).toBe(versionBefore);
      expect(stripDate(await exportConfigText(ctx.repo))).toBe(stripDate(before));
    });

    it("export → apply round-trips unchanged and keeps the secrets", async () => {
      const yaml = await exportConfigText(ctx.repo);
      expect(yaml).not.toContain("super-secret-value");
      expect(yaml).not.toContain("upstream-secret-value");
      const v = await ctx.repo.version();
      const again = await applyConfigText(ctx.repo, yaml, { actor: "test" });
      expect(again).toMatchObject({ created: [], updated: [], deleted: [], version: v });
      const snap = await ctx.repo.loadSnapshot();
      expect(snap.providers.get("kc")?.clientSecret).toBe("super-secret-value");
      expect(snap.servers.get("fetcher")?.upstreamAuth).toEqual({
        header: "X-Api-Key",
        value: "upstream-secret-value",
      });
    });

    it("exports the same bytes on every database: no timestamp, entries by name, fields in the schema's order", async () => {
      expect(await exportConfigText(ctx.repo)).toBe(EXPORTED_GOOD);
    });

    it("stores secrets encrypted, never in clear", async () => {
      const p = await ctx.db.provider.findUniqueOrThrow({ where: { name: "kc" } });
      const s = await ctx.db.server.findUniqueOrThrow({ where: { name: "fetcher" } });
      expect(p.clientSecretEnc).toMatch(/^ey[\w-]+\.\.[\w-]+\.[\w-]+\.[\w-]+$/); // compact JWE, dir
      expect(JSON.stringify([p, s])).not.toMatch(/super-secret-value|upstream-secret-value/);
    });

    it("prune deletes what the file leaves out; a provider in use cannot be removed", async () => {
      const onlyKc = GOOD.replace(/ {2}- name: open[\s\S]*$/, "");
      const r = await applyConfigText(ctx.repo, onlyKc, { actor: "test", prune: true });
      expect(r.deleted).toEqual(["server/open"]);
      const err = await ctx.repo.applyChanges([{ op: "delete-provider", name: "kc", at: [] }], "test").catch((e) => e);
      expect(err.fields[0].message).toBe('provider "kc" is still used by server "fetcher"');
      expect((await ctx.repo.listProviders()).map((p) => p.name)).toEqual(["kc"]);
    });

    it("prune runs beforeDeletingProviders once the apply is known valid, and applies nothing if it throws", async () => {
      const withSpare = `${GOOD.replace("servers:", "  - name: spare\n    issuer: http://127.0.0.1:7080/realms/spare\nservers:")}`;
      await applyConfigText(ctx.repo, withSpare, { actor: "test" });
      const calls: string[][] = [];
      const hook = async (names: string[]) => void calls.push(names);
      // Nothing to delete, or a dry run: not called.
      await applyConfigText(ctx.repo, withSpare, { actor: "test", prune: true, beforeDeletingProviders: hook });
      await applyConfigText(ctx.repo, GOOD, {
        actor: "test",
        prune: true,
        dryRun: true,
        beforeDeletingProviders: hook,
      });
      expect(calls).toEqual([]);
      // A prune that would be refused (kc is used by fetcher): refused before the hook.
      const withoutProviders = GOOD.replace(/providers:[\s\S]*?servers:/, "servers:");
      const refused = await applyConfigText(ctx.repo, withoutProviders, {
        actor: "test",
        prune: true,
        beforeDeletingProviders: hook,
      }).catch((e) => e);
      expect(refused.code).toBe("validation_failed");
      expect(calls).toEqual([]);
      // The hook fails (an IdP refused): nothing applied.
      const failing = async () => {
        throw new Error("idp down");
      };
      await expect(
        applyConfigText(ctx.repo, GOOD, { actor: "test", prune: true, beforeDeletingProviders: failing }),
      ).rejects.toThrow("idp down");
      expect((await ctx.repo.listProviders()).map((p) => p.name).sort()).toEqual(["kc", "spare"]);
      const r = await applyConfigText(ctx.repo, GOOD, { actor: "test", prune: true, beforeDeletingProviders: hook });
      expect(calls).toEqual([["spare"]]);
      expect(r.deleted).toEqual(["provider/spare"]);
    });

    it("dry run validates against the database and writes nothing", async () => {
      const v = await ctx.repo.version();
      const r = await applyConfigText(ctx.repo, GOOD.replace("Web fetcher", "Renamed"), {
        actor: "test",
        dryRun: true,
      });
      expect(r.updated).toEqual(["server/fetcher"]);
      expect(await ctx.repo.version()).toBe(v);
      expect((await ctx.repo.getServer("fetcher"))?.resourceMetadata.resourceName).toBe("Web fetcher");
    });

    it("keeps admin sessions by hash, expiring them", async () => {
      const admin = createAdminRepo(ctx.db);
      await admin.upsertUser("admin", "scrypt$x");
      const user = await admin.findUser("admin");
      await admin.createSession("session-id-1", user!.id, 60_000);
      await admin.createSession("session-id-2", user!.id, -1);
      expect(await admin.touchSession("session-id-1", 60_000)).toEqual({ username: "admin" });
      expect(await admin.touchSession("session-id-2", 60_000)).toBeNull();
      expect(await ctx.db.adminSession.count({ where: { idHash: "session-id-1" } })).toBe(0);
      expect(await admin.createUserIfAbsent("admin", "scrypt$y")).toBe(false);
    });

    it("rate limits: a burst of `capacity`, then one per interval; refusals cost nothing; full buckets are swept", async () => {
      const rl = createRateLimitRepo(ctx.db, ctx.target.kind);
      const limit = { capacity: 3, refillPerSecond: 1 };
      const t = 1_900_000_000_000;
      const takes = async (key: string, n: number, now: number) => {
        const out: boolean[] = [];
        for (let i = 0; i < n; i++) out.push(await rl.take(key, limit, now));
        return out;
      };
      expect(await takes("a", 4, t)).toEqual([true, true, true, false]);
      expect(await takes("b", 1, t)).toEqual([true]); // another client, its own bucket
      // Half an interval later nothing is back; a refusal does not push the refill further out.
      expect(await takes("a", 2, t + 500)).toEqual([false, false]);
      expect(await takes("a", 2, t + 1000)).toEqual([true, false]);
      // Long idle: a full bucket again, never more than `capacity`.
      expect(await takes("a", 4, t + 60_000)).toEqual([true, true, true, false]);
      // b's bucket was full again at t + 1 s, a's is not yet at t + 60.5 s.
      expect(await rl.sweep(t + 60_500)).toBe(1);
      expect(await takes("b", 3, t + 60_500)).toEqual([true, true, true]);
    });

    it("rate limits: concurrent requests never overspend a bucket", async () => {
      const rl = createRateLimitRepo(ctx.db, ctx.target.kind);
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 40 }, () => rl.take("race", { capacity: 30, refillPerSecond: 0.001 }, now)),
      );
      expect(results.filter(Boolean)).toHaveLength(30);
    });

    it("lists a provider's facade clients newest first and deletes one with its consents and pending flows, audited", async () => {
      const oauth = createOAuthRepo(ctx.db);
      const providerName = (await ctx.db.provider.findFirstOrThrow()).name;
      const client = (id: string, at: number): OAuthClientRecord => ({
        clientId: id,
        providerName,
        clientName: id,
        redirectUris: ["http://127.0.0.1:5555/cb"],
        metadata: {},
        tokenEndpointAuthMethod: "none",
        createdAt: new Date(at),
      });
      await oauth.createClient(client("old-client", 1_000));
      const registration = { uri: "https://idp.example/reg/up-new", tokenEnc: "v1.enc" };
      await oauth.createClient({
        ...client("new-client", 2_000),
        clientSecretHash: "h",
        idpClientId: "up-new",
        idpRegistration: registration,
      });
      await oauth.saveConsent({ browserIdHash: "b1", clientId: "old-client", providerName, scope: "", servers: ["x"] });
      // The servers a consent covers round-trip; saving again replaces them.
      await oauth.saveConsent({
        browserIdHash: "b1",
        clientId: "old-client",
        providerName,
        scope: "mcp:read",
        servers: ["tools", "other"],
      });
      expect(await oauth.getConsent("b1", "old-client")).toMatchObject({
        scope: "mcp:read",
        servers: ["tools", "other"],
      });
      await oauth.createPending({
        stateHash: "s1",
        kind: "idp",
        providerName,
        clientId: "old-client",
        redirectUri: "http://127.0.0.1:5555/cb",
        codeChallenge: "c",
        codeChallengeMethod: "S256",
        facadeIssuer: "http://x",
        expiresAt: new Date(Date.now() + 60_000),
      });

      expect((await oauth.listClients(providerName, 10)).map((c) => c.clientId)).toEqual(["new-client", "old-client"]);
      expect((await oauth.listClients(providerName, 1)).map((c) => c.clientId)).toEqual(["new-client"]);
      expect(await oauth.listClients("no-such-provider", 10)).toEqual([]);
      expect((await oauth.getClient("new-client"))?.idpRegistration).toEqual(registration);
      expect((await oauth.getClient("old-client"))?.idpRegistration).toBeUndefined();

      expect(await oauth.deleteClient("no-such-provider", "old-client", { actor: "test" })).toBe(false);
      expect(
        await oauth.deleteClient(providerName, "old-client", {
          actor: "test",
          idp: { status: "deleted", clientId: "up-old" },
        }),
      ).toBe(true);
      expect(await oauth.getClient("old-client")).toBeNull();
      expect(await oauth.getConsent("b1", "old-client")).toBeNull();
      expect(await oauth.consumePending("s1", "idp", providerName, new Date())).toBeNull();
      const audit = await ctx.db.auditEvent.findFirstOrThrow({ where: { action: "oauth-client.delete" } });
      expect(audit).toMatchObject({
        actor: "test",
        target: `provider/${providerName}/client/old-client`,
        detail: { consents: 1, pendingAuthorizations: 1, idp: { status: "deleted", clientId: "up-old" } },
      });
      expect(await oauth.deleteClient(providerName, "old-client", { actor: "test" })).toBe(false);
      expect((await oauth.listClients(providerName, 10)).map((c) => c.clientId)).toEqual(["new-client"]);
    });

    it("keeps the facade's bindings: browser and sign-in parameters, relayed codes, refresh tokens per client", async () => {
      const oauth = createOAuthRepo(ctx.db);
      const providerName = (await ctx.db.provider.findFirstOrThrow()).name;
      const now = new Date();
      const later = (ms: number) => new Date(now.getTime() + ms);
      await oauth.createClient({
        clientId: "bound-client",
        providerName,
        redirectUris: ["http://127.0.0.1:5555/cb"],
        metadata: {},
        tokenEndpointAuthMethod: "none",
        idpClientId: "idp-bound",
        idpRedirectUri: "https://gw.example.com/oauth/p/callback",
        createdAt: now,
      });
      expect((await oauth.getClient("bound-client"))?.idpRedirectUri).toBe("https://gw.example.com/oauth/p/callback");
      const flow = {
        providerName,
        clientId: "bound-client",
        redirectUri: "http://127.0.0.1:5555/cb",
        codeChallenge: "c",
        codeChallengeMethod: "S256",
        facadeIssuer: "http://x",
        browserIdHash: "browser-1",
        expiresAt: later(60_000),
      };
      const loginParams = { prompt: "consent", max_age: "0" };
      await oauth.createPending({ ...flow, stateHash: "ticket-1", kind: "consent", loginParams });
      await oauth.createPending({ ...flow, stateHash: "state-1", kind: "idp" });
      expect(await oauth.countActivePending(providerName, "consent", now)).toBe(1);
      expect(await oauth.countActivePending(providerName, "idp", now)).toBe(1);
      expect(await oauth.countActivePendingForClient("bound-client", now)).toBe(2);
      expect(await oauth.consumePending("ticket-1", "consent", providerName, now)).toMatchObject({
        browserIdHash: "browser-1",
        loginParams,
      });
      expect(await oauth.consumePending("state-1", "idp", providerName, now)).toMatchObject({ kind: "idp" });
      await oauth.bindCode("state-1", "code-1", later(600_000));
      expect(await oauth.findByCodeHash("code-1")).toMatchObject({ clientId: "bound-client", stateHash: "state-1" });
      expect(await oauth.countActivePendingForClient("bound-client", now)).toBe(0);

      await oauth.saveRefreshToken({
        tokenHash: "rt-1",
        providerName,
        clientId: "bound-client",
        scope: "mcp:read",
        resource: "https://gw.example.com/servers/a/mcp",
        expiresAt: later(60_000),
      });
      expect(await oauth.findRefreshToken("rt-1")).toMatchObject({ clientId: "bound-client", scope: "mcp:read" });
      await oauth.expireRefreshTokenAt("rt-1", later(1_000));
      expect((await oauth.findRefreshToken("rt-1"))?.expiresAt.getTime()).toBe(later(1_000).getTime());
      expect(await oauth.sweep(later(2_000))).toBeGreaterThanOrEqual(1);
      expect(await oauth.findRefreshToken("rt-1")).toBeNull();

      await oauth.saveRefreshToken({
        tokenHash: "rt-2",
        providerName,
        clientId: "bound-client",
        scope: "",
        expiresAt: later(60_000),
      });
      expect(await oauth.deleteClient(providerName, "bound-client", { actor: "test" })).toBe(true);
      expect(await oauth.findRefreshToken("rt-2")).toBeNull();
    });

    it("client lifecycle: last use, expiry of never-used and idle clients, live counts, de-duplication keys", async () => {
      const oauth = createOAuthRepo(ctx.db);
      const life = createClientLifecycleRepo(ctx.db);
      const providerName = (await ctx.db.provider.findFirstOrThrow()).name;
      const day = 86_400_000;
      const now = Date.parse("2026-12-07T12:00:00Z");
      const add = (id: string, createdAgoDays: number) =>
        oauth.createClient({
          clientId: id,
          providerName,
          redirectUris: ["http://127.0.0.1:5555/cb"],
          metadata: {},
          tokenEndpointAuthMethod: "none",
          createdAt: new Date(now - createdAgoDays * day),
        });
      const cutoffs = { unusedBefore: new Date(now - 3 * day), idleBefore: new Date(now - 90 * day) };
      // Clients of earlier tests are counted too: compare differences.
      const liveBefore = await life.countLive(providerName, cutoffs);
      const countsBefore = await life.counts(providerName, cutoffs);
      await add("lc-fresh-unused", 1);
      await add("lc-stale-unused", 5);
      await add("lc-used-recently", 200);
      await add("lc-idle", 200);
      await life.markUsed("lc-used-recently", new Date(now - 10 * day));
      await life.markUsed("lc-idle", new Date(now - 100 * day));
      const mine = (ids: string[]) => ids.filter((id) => id.startsWith("lc-")).sort();

      expect(mine(await life.listExpired(providerName, cutoffs, 100))).toEqual(["lc-idle", "lc-stale-unused"]);
      expect(await life.listExpired(providerName, {}, 100)).toEqual([]);
      const all = await ctx.db.oAuthClient.count({ where: { providerName } });
      expect(await life.countLive(providerName, cutoffs)).toBe(liveBefore + 2);
      expect(await life.countLive(providerName, {})).toBe(all);
      expect(await life.counts(providerName, cutoffs)).toEqual({
        total: countsBefore.total + 4,
        neverUsed: countsBefore.neverUsed + 2,
        expired: countsBefore.expired + 2,
      });
      const uses = await life.uses(["lc-idle", "lc-fresh-unused", "nope"]);
      expect(uses.find((u) => u.clientId === "lc-idle")?.lastUsedAt).toEqual(new Date(now - 100 * day));
      expect(uses.find((u) => u.clientId === "lc-fresh-unused")?.lastUsedAt).toBeNull();

      await life.setRegistrationKey("lc-stale-unused", "key-1");
      await life.setRegistrationKey("lc-fresh-unused", "key-2");
      expect(await life.findLiveByRegistrationKey(providerName, "key-1", cutoffs)).toBeUndefined(); // expired
      expect(await life.findLiveByRegistrationKey(providerName, "key-2", cutoffs)).toBe("lc-fresh-unused");
      expect(await life.findLiveByRegistrationKey("other", "key-2", cutoffs)).toBeUndefined();

      // A document client's new redirect URIs: its remembered consents go, and it follows the document.
      await oauth.saveConsent({
        browserIdHash: "b-lc",
        clientId: "lc-fresh-unused",
        providerName,
        scope: "",
        servers: [],
      });
      await oauth.forgetConsents("lc-fresh-unused");
      expect(await oauth.getConsent("b-lc", "lc-fresh-unused")).toBeNull();
      await oauth.updateClient("lc-fresh-unused", {
        clientName: "Renamed",
        redirectUris: ["https://app.example/cb"],
        metadata: { client_name: "Renamed" },
      });
      expect(await oauth.getClient("lc-fresh-unused")).toMatchObject({
        clientName: "Renamed",
        redirectUris: ["https://app.example/cb"],
        metadata: { client_name: "Renamed" },
      });
    });
  });
}

const stripDate = (s: string) => s.replace(/exported \S+/, "");

suite("SQLite repository", async () => `file:${join(mkdtempSync(join(tmpdir(), "pc-repo-")), "portcullis.db")}`);

describe.skipIf(skipWithoutPostgres())("PostgreSQL", () => {
  let pg: TestPostgres;
  afterAll(async () => pg?.stop());
  suite("PostgreSQL repository", async () => {
    pg = await startPostgres();
    return pg.url;
  });
});
