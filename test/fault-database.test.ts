// Fault: PostgreSQL stops while the gateway serves, then comes back. MCP traffic (an SDK session, new
// sessions, a streaming tool call across the outage) keeps flowing; /readyz stays ready and says the
// database is down (without its error text); what needs the database fails clearly (console writes:
// 503 storage_unavailable; facade registration: 503 temporarily_unavailable) and works again after.
import { describe, expect, it } from "vitest";
import type { LoggingMessageNotification } from "@modelcontextprotocol/sdk/types.js";
import { freePort } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp } from "./support/idp";
import { startMcpServer } from "./support/mcp-server";
import { skipWithoutPostgres, startPostgres } from "./support/postgres";
import { connectClient, INIT_BODY, MCP_HEADERS } from "./rs-support";

autoCleanup();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const readyz = async (gw: Gateway) => {
  const r = await gw.fetch("/readyz");
  return { status: r.status, text: await r.text() };
};
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000) {
  const t0 = Date.now();
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
  return Date.now() - t0;
}
const json = (body: unknown, method = "POST") => ({
  method,
  headers: { "content-type": "application/json" },
  body: JSON.stringify(body),
});

describe.skipIf(skipWithoutPostgres())("fault: PostgreSQL down and back", () => {
  it("keeps MCP traffic flowing and the replica ready; only what needs the database fails, clearly", async () => {
    const [pg, idp, mcp, port] = await Promise.all([
      startPostgres(),
      startIdp({ shape: "standard" }),
      startMcpServer(),
      freePort(),
    ]);
    const resource = `http://127.0.0.1:${port}/servers/tools/mcp`;
    const gw = await startGateway({
      port,
      built: true,
      env: {
        DATABASE_URL: pg.url,
        PORTCULLIS_NO_CONSOLE: "0",
        PORTCULLIS_CONFIG_POLL_MS: "300",
        LOG_LEVEL: "info",
      },
      config: `
providers:
  - name: idp
    kind: generic
    issuer: ${idp.issuer}
    jwksUrl: ${idp.jwksUrl}
    clientId: ${idp.clients.gateway.clientId}
    clientSecret: ${idp.clients.gateway.clientSecret}
servers:
  - name: tools
    upstream: ${mcp.url}
    oauth: { provider: idp, mode: direct }
  - name: signin
    upstream: ${mcp.url}
    oauth: { provider: idp, mode: proxy }
`,
    });
    const token = await idp.mintClientCredentialsToken({ resource });
    const client = await connectClient(resource, token);
    expect((await readyz(gw)).status).toBe(200);

    const registration = {
      redirect_uris: ["http://127.0.0.1:41999/callback"],
      client_name: "fault test",
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code"],
      response_types: ["code"],
    };
    const register = () => gw.fetch("/oauth/idp/register", json(registration));
    const consoleWrite = (name: string) => gw.api("/api/servers", json({ name, upstream: mcp.url, auth: "none" }));
    expect((await register()).status).toBe(201);
    expect((await consoleWrite("before")).status).toBe(201);

    // A streaming tool call that runs across the outage (3 s of notifications).
    const notes: LoggingMessageNotification["params"][] = [];
    client.setNotificationHandler(
      (await import("@modelcontextprotocol/sdk/types.js")).LoggingMessageNotificationSchema,
      (n) => void notes.push(n.params),
    );
    const streaming = client.callTool({ name: "stream", arguments: { count: 30, intervalMs: 100 } });

    // Readiness is probed all along: it must never fail.
    const probes: number[] = [];
    let probing = true;
    const prober = (async () => {
      while (probing) {
        probes.push((await readyz(gw)).status);
        await sleep(100);
      }
    })();

    await pg.halt();
    const noticedMs = await until(
      "/readyz to report the database down",
      async () => JSON.parse((await readyz(gw)).text).database.ok === false,
    );
    const down = await readyz(gw);
    expect(down.status).toBe(200);
    expect(JSON.parse(down.text)).toMatchObject({ ready: true, status: "ready", database: { ok: false } });
    expect(down.text).not.toMatch(/reach|ECONN|127\.0\.0\.1|postgres/i); // no error text for anyone
    expect((await gw.fetch("/healthz")).status).toBe(200);

    // MCP traffic during the outage: the open session, new sessions, a newly minted token.
    let served = 0;
    const freshToken = await idp.mintClientCredentialsToken({ resource });
    for (let i = 0; i < 20; i++) {
      const r = await client.callTool({ name: "echo", arguments: { text: `during ${i}` } });
      expect(r.content).toEqual([{ type: "text", text: `during ${i}` }]);
      const init = await fetch(resource, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${i % 2 ? token : freshToken}` },
        body: INIT_BODY,
      });
      await init.arrayBuffer();
      expect(init.status).toBe(200);
      served += 2;
    }

    // What needs the database fails with a clear, retryable error.
    const write = await consoleWrite("during");
    expect(write.status).toBe(503);
    expect(await write.json()).toMatchObject({
      error: { code: "storage_unavailable", message: expect.stringMatching(/database is unreachable/) },
    });
    const reg = await register();
    expect(reg.status).toBe(503);
    expect(reg.headers.get("retry-after")).toBe("5");
    expect(await reg.json()).toMatchObject({ error: "temporarily_unavailable" });
    // The authenticated console says what is wrong.
    const status = await (await gw.api("/api/status")).json();
    expect(status.database).toMatchObject({ ok: false, error: expect.stringMatching(/reach database server/) });

    await sleep(1_000);
    await pg.resume();
    const recoveredMs = await until(
      "/readyz to report the database up",
      async () => JSON.parse((await readyz(gw)).text).database.ok === true,
    );
    probing = false;
    await prober;

    const streamed = await streaming;
    expect(streamed.structuredContent).toMatchObject({ count: 30 });
    expect(notes.filter((n) => (n.data as { of?: number }).of === 30)).toHaveLength(30);
    expect(probes.length).toBeGreaterThan(10);
    expect(probes.every((s) => s === 200)).toBe(true);

    // Back: writes and registrations work again, and the gateway logged the outage once and the recovery.
    expect((await consoleWrite("after")).status).toBe(201);
    expect((await register()).status).toBe(201);
    const logs = gw.logLines().map((l) => String(l.msg));
    expect(logs.filter((m) => m.startsWith("database unreachable"))).toHaveLength(1);
    expect(logs.filter((m) => m.startsWith("database reachable again"))).toHaveLength(1);
    console.log(
      `[fault-database] outage noticed by /readyz after ${noticedMs} ms, recovery after ${recoveredMs} ms; ` +
        `${served} MCP requests and a 3 s stream served during the outage; ${probes.length} readiness probes, all 200`,
    );
  });
});
