import { describe, expect, it } from "vitest";
import type { ConfigSnapshot } from "../config/model";
import type { ConfigCache, DatabaseHealth } from "../runtime/config-cache";
import { readiness, type ServingState } from "./health";

const runtime = (serving: ServingState, database: DatabaseHealth) => ({
  serving,
  config: {
    current: () => ({ version: 7 }) as ConfigSnapshot,
    database: () => database,
  } as unknown as ConfigCache,
});
const up: DatabaseHealth = { ok: true, checkedAt: 2_000, since: 1_000 };
const down: DatabaseHealth = {
  ok: false,
  checkedAt: 5_000,
  since: 3_000,
  error: "Can't reach database server at db.internal:5432",
};

describe("readiness", () => {
  it("is ready while listening with a config, whatever the database says", () => {
    const ok = readiness(runtime({ listening: true, draining: false }, up));
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ ready: true, status: "ready", database: { ok: true } });
    const dbDown = readiness(runtime({ listening: true, draining: false }, down));
    expect(dbDown.status).toBe(200);
    expect(dbDown.body).toMatchObject({
      ready: true,
      database: { ok: false, since: new Date(3_000).toISOString(), checkedAt: new Date(5_000).toISOString() },
    });
  });

  it("never shows the database error text", () => {
    const text = JSON.stringify(readiness(runtime({ listening: true, draining: false }, down)).body);
    expect(text).not.toMatch(/db\.internal|5432|reach/);
  });

  it("is not ready before the listener is up, nor while draining", () => {
    expect(readiness(runtime({ listening: false, draining: false }, up))).toMatchObject({
      status: 503,
      body: { ready: false, status: "starting", checks: { listener: { ok: false } } },
    });
    expect(readiness(runtime({ listening: true, draining: true }, up))).toMatchObject({
      status: 503,
      body: { ready: false, status: "draining", checks: { drain: { ok: false } } },
    });
  });
});
