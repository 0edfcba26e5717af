/**
 * What an operator sees on the real server with its console: upstream health that means "answers MCP",
 * failures (5xx) counted and explained in the live log, the import dry run's field diff, sign-in
 * failures and lockouts as warnings with a truthful lockout message, routine console requests kept out
 * of the info log, and readable log lines when asked for.
 * Needs a built console (`npm test` builds it; or `node scripts/build-if-stale.mjs`).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import {
  freePort,
  REPO_ROOT,
  startGateway,
  startIdp,
  startMcpServer,
  type Gateway,
  type Idp,
  type McpTestServer,
} from "./support";

autoCleanup();

const PASSWORD = "correct-horse-battery";

describe("operator's view of a running gateway", () => {
  let gw: Gateway;
  let mcp: McpTestServer;
  let failing: http.Server;
  let closedPort: number;

  beforeAll(async () => {
    if (!existsSync(join(REPO_ROOT, ".next", "BUILD_ID")))
      throw new Error("the console is not built: run `node scripts/build-if-stale.mjs` (npm test does)");
    mcp = await startMcpServer();
    failing = http.createServer((_req, res) => res.writeHead(502).end("bad gateway upstream"));
    await new Promise<void>((r) => failing.listen(0, "127.0.0.1", r));
    closedPort = await freePort();
    const wrongPath = mcp.url.replace(/\/mcp$/, "/not-mcp");
    gw = await startGateway({
      env: { PORTCULLIS_NO_CONSOLE: "0", ADMIN_PASSWORD: PASSWORD, LOG_LEVEL: "info" },
      config: `servers:
  - name: good
    upstream: ${mcp.url}
    auth: none
  - name: wrong-path
    upstream: ${wrongPath}
    auth: none
  - name: down
    upstream: http://127.0.0.1:${closedPort}/mcp
    auth: none
  - name: failing
    upstream: http://127.0.0.1:${(failing.address() as AddressInfo).port}/mcp
    auth: none
`,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await mcp?.close();
    await new Promise<void>((r) => (failing ? failing.close(() => r()) : r()));
  });

  const post = (path: string) =>
    gw.fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });

  it("calls an upstream healthy only when it answers MCP", async () => {
    const probe = async (name: string) => (await gw.api(`/api/status/upstream/${name}`)).json();
    expect(await probe("good")).toMatchObject({ reachable: true, healthy: true, status: 400 });
    expect(await probe("wrong-path")).toMatchObject({
      reachable: true,
      healthy: false,
      status: 404,
      detail: "HTTP 404: no MCP endpoint at this URL (check the path)",
    });
    expect(await probe("failing")).toMatchObject({ healthy: false, status: 502 });
    expect(await probe("down")).toMatchObject({ reachable: false, healthy: false, error: "ECONNREFUSED" });
  });

  it("counts 502s as failures and shows what is behind each in the live log", async () => {
    expect((await post("/servers/down/mcp")).status).toBe(502);
    expect((await post("/servers/failing/mcp")).status).toBe(502);
    const entries = (await (await gw.api("/api/requests")).json()) as {
      server: string;
      status: number;
      code?: string;
      reason?: string;
    }[];
    expect(entries.find((e) => e.server === "down")).toMatchObject({
      status: 502,
      code: "upstream_unavailable",
      reason: expect.stringMatching(/^The upstream MCP server is unavailable: connect ECONNREFUSED 127\.0\.0\.1:\d+$/),
    });
    expect(entries.find((e) => e.server === "failing")).toMatchObject({
      status: 502,
      code: "upstream_status",
      reason: "the upstream answered HTTP 502",
    });
    const status = (await (await gw.api("/api/status")).json()) as {
      servers: Record<string, { failures: number; lastFailure?: { code?: string } }>;
    };
    expect(status.servers.down).toMatchObject({ failures: 1, lastFailure: { code: "upstream_unavailable" } });
    expect(status.servers.failing).toMatchObject({ failures: 1, lastFailure: { code: "upstream_status" } });
    expect(status.servers.good.failures).toBe(0);
  });

  it("the import dry run returns the field diff and flags fields reset by omission", async () => {
    const full = `servers:
  - name: good
    upstream: ${mcp.url}
    auth: none
    allowedOrigins: [https://app.example.com]
`;
    const imp = (yaml: string, dryRun: boolean) =>
      gw.api("/api/config/import", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ yaml, dryRun }),
      });
    expect((await imp(full, false)).status).toBe(200);
    const dry = await (await imp(`servers:\n  - name: good\n    upstream: ${mcp.url}\n    auth: none\n`, true)).json();
    expect(dry).toMatchObject({
      dryRun: true,
      updated: ["server/good"],
      fieldChanges: {
        "server/good": [{ path: "allowedOrigins", old: ["https://app.example.com"], new: [], omitted: true }],
      },
    });
  });

  it("logs a failed sign-in and a lockout as warnings, and the lockout says when to retry", async () => {
    const signIn = (password: string, from: string) =>
      gw.fetch("/api/auth/login", {
        method: "POST",
        headers: { "content-type": "application/json", origin: gw.url, "x-forwarded-for": from },
        body: JSON.stringify({ password }),
      });
    const seen = gw.logLines().length;
    expect((await signIn("wrong-password", "1.2.3.4")).status).toBe(401);
    let refused: Response | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const r = await signIn("wrong-password", "1.2.3.4");
      if (r.status === 429) refused = r;
    }
    expect(refused).toBeDefined();
    expect(((await refused!.json()) as { error: { message: string } }).error.message).toBe(
      "too many sign-in attempts from this address: one more attempt is allowed every 6 s (all 10 again after 60 s without attempts)",
    );
    await gw.waitForLog("console sign-in refused: too many attempts from this address");
    const warnings = gw
      .logLines()
      .slice(seen)
      .filter((l) => l.level === 40);
    expect(warnings.find((l) => l.msg === "console sign-in failed: wrong username or password")).toMatchObject({
      user: "admin",
    });
    expect(warnings.some((l) => l.msg === "console sign-in refused: too many attempts from this address")).toBe(true);
    expect(JSON.stringify(gw.logLines())).not.toContain("wrong-password");
  });

  it("keeps the console's own reads at debug and its writes at info", async () => {
    const seen = gw.logLines().length;
    expect((await gw.api("/api/servers")).status).toBe(200);
    expect((await gw.fetch("/login")).status).toBe(200);
    expect((await gw.fetch("/login", { headers: { rsc: "1", "next-router-prefetch": "1" } })).status).toBe(200);
    const created = await gw.api("/api/servers", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "written", upstream: mcp.url, auth: "none" }),
    });
    expect(created.status).toBe(201);
    await gw.waitForLog(/"path":"\/api\/servers","status":201/);
    const requests = gw
      .logLines()
      .slice(seen)
      .filter((l) => l.msg === "request" && ["/api/servers", "/login"].includes(l.path as string));
    expect(requests.map((l) => `${l.method} ${l.path}`)).toEqual(["POST /api/servers"]);
  });
});

describe("log format", () => {
  it("prints readable lines with LOG_FORMAT=pretty and JSON lines by default when not on a terminal", async () => {
    const pretty = await startGateway({ env: { LOG_FORMAT: "pretty", LOG_LEVEL: "info" } });
    const json = await startGateway({ env: { LOG_LEVEL: "info" } });
    try {
      await pretty.waitForLog("portcullis listening");
      expect(pretty.stdout()).toMatch(/^\[\d\d:\d\d:\d\d\] INFO: portcullis listening \{.*"console":false/m);
      expect(pretty.stdout()).not.toContain('"level":30');
      await json.waitForLog("portcullis listening");
      expect(json.logLines().some((l) => l.msg === "portcullis listening" && l.level === 30)).toBe(true);
    } finally {
      await Promise.all([pretty.stop(), json.stop()]);
    }
  });
});

describe("the self-test never says all clear for a server clients cannot use", () => {
  let gw: Gateway;
  let mcp: McpTestServer;
  let kc: Idp;

  beforeAll(async () => {
    mcp = await startMcpServer();
    kc = await startIdp({ shape: "keycloak", audience: ["mcp-tools", "account"] });
    gw = await startGateway({
      env: { PORTCULLIS_NO_CONSOLE: "0", ADMIN_PASSWORD: PASSWORD },
      config: `providers:
  - name: kc
    kind: keycloak
    issuer: ${kc.issuer}
    clientId: ${kc.clients.gateway.clientId}
servers:
  - name: tools
    upstream: ${mcp.url}
    oauth: { provider: kc, mode: direct }
  - name: refused
    upstream: http://127.0.0.1:${await freePort()}/mcp
    oauth: { provider: kc, mode: direct, audiences: [account] }
`,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await mcp?.close();
    await kc?.close();
  });

  type Report = {
    ok: boolean;
    firstFailure?: string;
    steps: { id: string; status: string; detail: string; hint?: string }[];
  };
  const selftest = async (server: string, token?: string) =>
    (await (
      await gw.api(`/api/servers/${server}/selftest`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(token ? { token } : {}),
      })
    ).json()) as Report;
  const step = (r: Report, id: string) => r.steps.find((s) => s.id === id)!;

  it("fails on the Keycloak token whose audience the server does not accept, and warns without one", async () => {
    const token = await kc.mintClientCredentialsToken({ clientId: kc.clients.gateway.clientId });
    const without = await selftest("tools");
    expect(without.steps.slice(0, 11).map((s) => s.status)).not.toContain("fail");
    expect(step(without, "token")).toMatchObject({ status: "warn" });
    expect(step(without, "token").hint).toMatch(/audience mappers/);

    const rejected = await selftest("tools", token);
    expect(rejected).toMatchObject({ ok: false, firstFailure: "token" });
    expect(step(rejected, "token").detail).toBe(
      "rejected (401): aud mcp-tools, account is not accepted by server tools",
    );
    expect(step(rejected, "token").hint).toMatch(/Fix: Accept audience mcp-tools on server tools/);
    expect(step(rejected, "request").status).toBe("skip");
    expect(JSON.stringify(rejected)).not.toContain(token);

    // The inspector's fix, then the same token goes through to the upstream.
    const fix = await gw.api("/api/servers/tools/patch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ append: { "oauth.audiences": "mcp-tools" } }),
    });
    expect(fix.status).toBe(200);
    const fixed = await selftest("tools", token);
    expect(fixed.ok).toBe(true);
    // Keycloak offers no dynamic registration: direct-mode clients need a pre-registered id (a warning).
    expect(fixed.steps.filter((s) => s.status !== "pass").map((s) => `${s.id}: ${s.status}`)).toEqual([
      "registration: warn",
    ]);
    expect(step(fixed, "request").detail).toBe("HTTP 200 from the upstream");
  });

  it("fails when the upstream refuses connections, whatever the token", async () => {
    const token = await kc.mintClientCredentialsToken({ clientId: kc.clients.gateway.clientId });
    const r = await selftest("refused", token);
    expect(r).toMatchObject({ ok: false, firstFailure: "upstream" });
    expect(step(r, "upstream").detail).toBe("unreachable: ECONNREFUSED");
    expect(step(r, "token").status).toBe("pass");
    expect(step(r, "request")).toMatchObject({ status: "fail" });
    expect(step(r, "request").detail).toMatch(/^HTTP 502/);
    // Its requests are marked in the live log.
    const log = (await (await gw.api("/api/requests?server=refused")).json()) as {
      selftest?: boolean;
      status: number;
    }[];
    expect(log.length).toBeGreaterThan(0);
    expect(log.every((e) => e.selftest === true)).toBe(true);
  });

  it("reports a provider's health: an unreachable issuer, and a healthy one", async () => {
    const created = await gw.api("/api/providers", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "typo", kind: "keycloak", issuer: "http://127.0.0.1:9/realms/mcp" }),
    });
    expect(created.status).toBe(201);
    const health = async (name: string) => (await gw.api(`/api/status/provider/${name}`)).json();
    expect(await health("typo")).toMatchObject({
      healthy: false,
      dynamicRegistration: false,
      detail: expect.stringMatching(/ECONNREFUSED/),
    });
    expect(await health("kc")).toMatchObject({ healthy: true, detail: "discovery and JWKS ok (1 key)" });
  });
});
