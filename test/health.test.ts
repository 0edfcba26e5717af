// Health probes answer anyone, whatever the host (docs/security.md, "Allowed hosts"): a database outage
// must show up as "not ready" without telling the caller where the database is or what the driver said.
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
    for (const host of [`127.0.0.1:${gw.port}`, "probe.evil.example"]) {
      const r = await rawRequest(`${gw.url}/readyz`, { headers: { host } });
      expect(r.status, host).toBe(503);
      const body = r.json() as { ready: boolean; checks: { database: { ok: boolean; detail?: string } } };
      expect(body.ready).toBe(false);
      expect(body.checks.database).toEqual({ ok: false, detail: "unavailable" });
      expect(r.text).not.toContain(pgAddress);
      expect(r.text.toLowerCase()).not.toMatch(/prisma|invocation|reach|econnrefused/);
    }
    // The operator still learns why, in the gateway's own log.
    await gw.waitForLog(/readiness check: the database did not answer/);
    expect(gw.logs()).toContain(pgAddress);
    await gw.stop();
  });
});
