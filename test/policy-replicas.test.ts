// MCP rate limits and the audit trail on PostgreSQL with two replicas: each replica counts in
// memory and reports to the database every PORTCULLIS_RATE_LIMIT_SYNC_MS, so a caller spread over
// both is held within the stated tolerance (capacity + rate × sync interval per extra replica), a
// replica refuses a caller once the other spent the bucket and both synced, and every operation of
// both lands in one audit table.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import pgClient from "pg";
import { autoCleanup } from "./support/hooks";
import { freePort, skipWithoutPostgres, startGateway, startPostgres, type Gateway, type TestPostgres } from "./support";
import { startMinimalJsonRpcUpstream } from "./support/mcp-server";
import { claims, LOCAL_ISSUER, MCP_HEADERS, startLocalIssuer, waitFor } from "./rs-support";

autoCleanup();

const CAPACITY = 10;
const RATE = 0.01; // per second: nothing refills during the test
const SYNC_MS = 200;

describe.skipIf(skipWithoutPostgres())("MCP rate limits and audit across two replicas on PostgreSQL", () => {
  let pg: TestPostgres;
  let a: Gateway;
  let b: Gateway;
  let token: string;

  beforeAll(async () => {
    pg = await startPostgres();
    const upstream = await startMinimalJsonRpcUpstream();
    const issuer = await startLocalIssuer();
    const publicUrl = `http://127.0.0.1:${await freePort()}`;
    const env = {
      DATABASE_URL: pg.url,
      PUBLIC_URL: publicUrl,
      PORTCULLIS_SECRET_KEY: randomBytes(32).toString("base64url"),
      PORTCULLIS_RATE_LIMIT_SYNC_MS: String(SYNC_MS),
    };
    const config = JSON.stringify({
      providers: [{ name: "local", issuer: LOCAL_ISSUER, jwksUrl: issuer.jwksUrl }],
      servers: [
        {
          name: "limited",
          upstream: upstream.url,
          oauth: { provider: "local", mode: "direct" },
          rateLimits: { perCaller: { capacity: CAPACITY, refillPerSecond: RATE } },
          audit: {},
        },
      ],
    });
    a = await startGateway({ env, config });
    b = await startGateway({ env, config });
    token = await issuer.sign(claims(`${publicUrl}/servers/limited/mcp`, { sub: "spread-caller" }));
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await pg?.stop();
  });

  const call = async (gw: Gateway) => {
    const r = await gw.fetch("/servers/limited/mcp", {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo", arguments: {} } }),
    });
    await r.arrayBuffer();
    return r.status;
  };
  const untilRefused = async (gw: Gateway) => {
    let allowed = 0;
    while ((await call(gw)) === 200) if (++allowed > 100) break;
    return allowed;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("holds a caller spread over both replicas within the tolerance, and shares what each spent", async () => {
    expect(await call(b)).toBe(200);
    await sleep(3 * SYNC_MS); // B has reported its one request
    // A has never seen this caller: its view is a full bucket until its first sync (the tolerance).
    const onA = await untilRefused(a);
    const tolerance = CAPACITY + RATE * (SYNC_MS / 1000); // (replicas − 1) × (capacity + rate × sync)
    expect(1 + onA).toBeGreaterThanOrEqual(CAPACITY);
    expect(1 + onA).toBeLessThanOrEqual(CAPACITY + tolerance);
    await sleep(3 * SYNC_MS); // both have reported, and taken back the shared state
    expect(await call(b)).toBe(429);
    expect(await call(a)).toBe(429);
  });

  it("writes both replicas' operations to one audit table", async () => {
    const db = new pgClient.Client({ connectionString: pg.url });
    await db.connect();
    try {
      const { value } = await waitFor(async () => {
        const r = await db.query(`SELECT "decision", count(*)::int AS n FROM "McpAuditRecord" GROUP BY 1`);
        const by = Object.fromEntries(r.rows.map((x) => [x.decision, x.n]));
        return by.rate_limited >= 3 && by.allow >= CAPACITY ? by : undefined;
      }, 5000);
      expect(value.allow).toBeLessThanOrEqual(2 * CAPACITY);
      const row = (await db.query(`SELECT * FROM "McpAuditRecord" WHERE "decision" = 'rate_limited' LIMIT 1`)).rows[0];
      expect(row).toMatchObject({
        server: "limited",
        subject: "spread-caller",
        method: "tools/call",
        name: "echo",
        status: 429,
      });
    } finally {
      await db.end();
    }
  });
});
