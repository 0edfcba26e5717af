// Health probes answer anyone, whatever the host (docs/security.md, "Allowed hosts"): a database outage
// shows in /readyz's body (the replica stays ready: docs/operations.md) without telling the caller where
// the database is or what the driver said.
// Replayed against the real gateway on a PostgreSQL that is stopped under it.
import { describe, expect, it } from "vitest";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { rawRequest } from "./rs-support";
import { skipWithoutPostgres, startPostgres } from "./support/postgres";

autoCleanup();

describe.skipIf(skipWithoutPostgres())("/readyz during a database outage", () => {
  it("says the database is down, not why: the reason goes to the log", async () => {
    const pg = await startPostgres();
    const gw = await startGateway({ env: { DATABASE_URL: pg.url } });
    expect((await gw.fetch("/readyz")).status).toBe(200);
    await pg.stop();

    const pgAddress = new URL(pg.url).host;
    const probe = (host: string) => rawRequest(`${gw.url}/readyz`, { headers: { host } });
    await expect
      .poll(async () => probe(`127.0.0.1:${gw.port}`).then((r) => r.json() as { database: { ok: boolean } }), {
        timeout: 15_000,
      })
      .toMatchObject({ database: { ok: false } });
    for (const host of [`127.0.0.1:${gw.port}`, "probe.evil.example"]) {
      const r = await probe(host);
      expect(r.status, host).toBe(200);
      const body = r.json() as { ready: boolean; database: Record<string, unknown> };
      expect(body.ready).toBe(true);
      expect(Object.keys(body.database).sort()).toEqual(["checkedAt", "ok", "since"]);
      expect(body.database.ok).toBe(false);
      expect(r.text).not.toContain(pgAddress);
      expect(r.text.toLowerCase()).not.toMatch(/prisma|invocation|reach|econnrefused/);
    }
    // The operator still learns why, in the gateway's own log.
    await gw.waitForLog(/database unreachable/);
    expect(gw.logs()).toContain(pgAddress);
    await gw.stop();
  });
});
