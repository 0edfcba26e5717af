/**
 * The admin API and console gate on the real server with the Next.js console:
 * authentication (token, session cookie, Origin on writes), validation errors by
 * field path, secrets never returned, YAML import/export, restart persistence.
 * Needs a built console (`npm test` builds it; or `node scripts/build-if-stale.mjs`).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, startGateway, type Gateway } from "./support";
// @ts-expect-error: a plain .mjs build script without type declarations
import { buildServer } from "../scripts/build-server.mjs";

const PASSWORD = "correct-horse-battery";
const provider = {
  name: "kc",
  kind: "keycloak",
  issuer: "http://127.0.0.1:7080/realms/mcp",
  clientId: "mcp-gw",
  clientSecret: "very-secret",
};
const server = { name: "fetcher", upstream: "http://127.0.0.1:9001/mcp", oauth: { provider: "kc" } };

describe("admin API", () => {
  let gw: Gateway;
  const dataDir = mkdtempSync(join(tmpdir(), "pc-api-"));

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, ".next", "BUILD_ID")))
      throw new Error("the console is not built: run `node scripts/build-if-stale.mjs` (npm test does)");
    gw = await startGateway({ dataDir, env: { PORTCULLIS_NO_CONSOLE: "0", ADMIN_PASSWORD: PASSWORD } });
  });
  afterAll(async () => gw?.stop());

  const json = (body: unknown) => ({
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

  it("refuses /api without credentials or with a wrong token", async () => {
    const none = await gw.fetch("/api/servers");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
    expect(
      (await gw.fetch("/api/servers", { headers: { authorization: "Bearer wrong-token-wrong-token" } })).status,
    ).toBe(401);
    expect((await gw.fetch("/api/providers", { method: "POST", body: "{}" })).status).toBe(401);
  });

  it("creates, reads, updates and deletes with ADMIN_TOKEN; secrets are write-only", async () => {
    const created = await gw.api("/api/providers", json(provider));
    expect(created.status).toBe(201);
    const body = await created.json();
    expect(body).toMatchObject({ name: "kc", clientSecretSet: true });
    expect(JSON.stringify(body)).not.toContain("very-secret");
    expect((await gw.api("/api/servers", json(server))).status).toBe(201);
    expect((await gw.api("/api/providers", json(provider))).status).toBe(409);

    const list = await (await gw.api("/api/providers")).text();
    expect(list).not.toContain("very-secret");

    const put = await gw.api("/api/servers/fetcher", {
      ...json({ ...server, publicUrls: ["https://mcp.example.com"] }),
      method: "PUT",
    });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({
      publicUrls: ["https://mcp.example.com"],
      effectivePath: "/servers/fetcher/mcp",
    });

    const patched = await gw.api(
      "/api/servers/fetcher/patch",
      json({ set: { "oauth.includeClientIdInAudience": true } }),
    );
    expect(await patched.json()).toMatchObject({
      oauth: { includeClientIdInAudience: true },
      publicUrls: ["https://mcp.example.com"],
    });

    const inUse = await gw.api("/api/providers/kc", { method: "DELETE" });
    expect(inUse.status).toBe(409);
    expect((await inUse.json()).error.message).toBe('provider "kc" is still used by server "fetcher"');
    expect((await gw.api("/api/servers/nope")).status).toBe(404);
  });

  it("lists a provider's facade clients and refuses deleting one that does not exist", async () => {
    // Registration itself needs a live IdP (facade tests); here: the routes, auth and errors on the real server.
    expect((await gw.fetch("/api/providers/kc/clients")).status).toBe(401);
    const list = await gw.api("/api/providers/kc/clients");
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ clients: [], total: 0, neverUsed: 0, expired: 0 });
    const noProvider = await gw.api("/api/providers/nope/clients");
    expect(noProvider.status).toBe(404);
    expect((await noProvider.json()).error).toEqual({ code: "not_found", message: 'provider "nope" does not exist' });
    const noClient = await gw.api("/api/providers/kc/clients/ghost", { method: "DELETE" });
    expect(noClient.status).toBe(404);
    expect((await noClient.json()).error.message).toBe('provider "kc" has no registered client "ghost"');
  });

  it("answers bad payloads with 400 and every field path", async () => {
    const r = await gw.api(
      "/api/servers",
      json({ name: "Bad Name", upstream: "ftp://x", auth: "sometimes", surprise: 1 }),
    );
    expect(r.status).toBe(400);
    const { error } = await r.json();
    expect(error.code).toBe("validation_failed");
    expect(error.fields.map((f: { path: string }) => f.path).sort()).toEqual(["auth", "name", "surprise", "upstream"]);
    const notJson = await gw.api("/api/servers", {
      method: "POST",
      body: "{nope",
      headers: { "content-type": "application/json" },
    });
    expect(notJson.status).toBe(400);
    const rename = await gw.api("/api/servers/fetcher", { ...json({ ...server, name: "other" }), method: "PUT" });
    expect((await rename.json()).error.fields[0].path).toBe("name");
  });

  it("imports YAML atomically and exports it without secrets", async () => {
    const bad = await gw.api(
      "/api/config/import",
      json({
        yaml: "servers:\n  - name: x\n    upstream: http://a/mcp\n    oauth: { provider: missing }\n  - name: y\n",
      }),
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.fields.map((f: { path: string }) => f.path)).toEqual([
      "servers[0].oauth.provider",
      "servers[1].upstream",
    ]);
    expect((await (await gw.api("/api/servers")).json()).map((s: { name: string }) => s.name)).toEqual(["fetcher"]);

    const exported = await gw.api("/api/config/export");
    expect(exported.headers.get("content-type")).toMatch(/yaml/);
    const yaml = await exported.text();
    expect(yaml).toContain("name: fetcher");
    expect(yaml).not.toContain("very-secret");
    const again = await gw.api("/api/config/import", json({ yaml }));
    expect(await again.json()).toMatchObject({ created: [], updated: [], deleted: [] });
  });

  it("signs in with a session cookie and checks Origin on writes", async () => {
    const wrong = await gw.fetch("/api/auth/login", {
      ...json({ password: "nope" }),
      headers: { "content-type": "application/json", origin: gw.url },
    });
    expect(wrong.status).toBe(401);
    const login = await gw.fetch("/api/auth/login", {
      ...json({ password: PASSWORD }),
      headers: { "content-type": "application/json", origin: gw.url },
    });
    expect(login.status).toBe(200);
    const setCookie = login.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = setCookie.split(";")[0];

    expect((await gw.fetch("/api/servers", { headers: { cookie } })).status).toBe(200);
    const body = JSON.stringify({ name: "two", upstream: "http://127.0.0.1:9002/mcp", auth: "none" });
    const noOrigin = await gw.fetch("/api/servers", { method: "POST", body, headers: { cookie } });
    expect(noOrigin.status).toBe(403);
    expect((await noOrigin.json()).error.code).toBe("bad_origin");
    expect(
      (await gw.fetch("/api/servers", { method: "POST", body, headers: { cookie, origin: "http://evil.example" } }))
        .status,
    ).toBe(403);
    expect((await gw.fetch("/api/servers", { method: "POST", body, headers: { cookie, origin: gw.url } })).status).toBe(
      201,
    );

    const page = await gw.fetch("/servers", { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(200);
    expect(page.headers.get("x-frame-options")).toBe("DENY");

    await gw.fetch("/api/auth/logout", { method: "POST", headers: { cookie, origin: gw.url } });
    expect((await gw.fetch("/api/servers", { headers: { cookie } })).status).toBe(401);
  });

  it("sends console pages to /login without a session", async () => {
    const r = await gw.fetch("/servers", { redirect: "manual" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Fservers");
    const login = await gw.fetch("/login");
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<html/i);
  });

  it("keeps everything across a restart, coming back up on the production bundle (what npm start runs)", async () => {
    await gw.stop();
    await buildServer();
    gw = await startGateway({ dataDir, built: true, env: { PORTCULLIS_NO_CONSOLE: "0", ADMIN_PASSWORD: PASSWORD } });
    expect((await gw.fetch("/login")).status).toBe(200);
    const names = (await (await gw.api("/api/servers")).json()).map((s: { name: string }) => s.name);
    expect(names).toEqual(["fetcher", "two"]);
    expect((await (await gw.api("/api/providers/kc")).json()).clientSecretSet).toBe(true);
  });
});

describe("first start without ADMIN_PASSWORD", () => {
  it("prints a one-time password once, and it signs in", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "pc-otp-"));
    let gw = await startGateway({ dataDir, env: { ADMIN_PASSWORD: undefined } });
    try {
      const line = await gw.waitForLog(/password "([^"]+)"/);
      const password = /password "([^"]+)"/.exec(line)![1];
      const login = await gw.fetch("/api/auth/login", {
        method: "POST",
        body: JSON.stringify({ password }),
        headers: { "content-type": "application/json", origin: gw.url },
      });
      expect(login.status).toBe(200);
      await gw.stop();
      gw = await startGateway({ dataDir, env: { ADMIN_PASSWORD: undefined } });
      expect(gw.logs()).not.toMatch(/shown once/);
    } finally {
      await gw.stop();
    }
  });
});
