import { describe, expect, it } from "vitest";
import { createAuditQueue } from "./queue";
import { auditRecordId } from "./record-id";
import type { AuditRecord } from "./record";
import { csvHeader, csvRow } from "./filters";

const rec = (i: number): AuditRecord => ({
  id: auditRecordId(1_700_000_000_000 + i),
  at: 1_700_000_000_000 + i,
  server: "s",
  decision: "allow",
  status: 200,
  latencyMs: 1,
});

describe("audit queue", () => {
  it("writes in batches off the request path and counts what it wrote", async () => {
    const batches: number[] = [];
    const q = createAuditQueue({ store: { insertMany: async (r) => void batches.push(r.length) }, batchSize: 4 });
    for (let i = 0; i < 10; i++) expect(q.push(rec(i))).toBe(true);
    await q.flush();
    expect(batches).toEqual([4, 4, 2]);
    expect(q.stats()).toMatchObject({ queued: 0, written: 10, dropped: 0 });
    await q.stop();
  });

  it("keeps writing full batches under steady load: a flush writes what was queued when it started", async () => {
    const batches: number[] = [];
    let release: () => void = () => {};
    let held = true;
    const q = createAuditQueue({
      batchSize: 10,
      flushMs: 3_600_000,
      store: {
        insertMany: (r) => {
          batches.push(r.length);
          // A write takes until released (while `held`).
          return held ? new Promise<void>((done) => (release = done)) : Promise.resolve();
        },
      },
    });
    for (let i = 0; i < 3; i++) q.push(rec(i));
    const flushed = q.flush(); // writes the 3 queued now…
    await Promise.resolve();
    // …while requests keep coming: every write in flight sees 4 more records queued.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 4; i++) q.push(rec(100 + round * 4 + i));
      release();
      await new Promise((r) => setImmediate(r));
    }
    expect(batches[0]).toBe(3);
    expect(batches.slice(1)).toEqual([10, 10]); // full batches only after the flush, not one per write
    held = false;
    release();
    await flushed;
    await q.stop();
    expect(q.stats()).toMatchObject({ queued: 0, written: 27 });
  });

  it("drops and counts when full instead of blocking, and retries a failed batch", async () => {
    let fail = true;
    const written: AuditRecord[] = [];
    const q = createAuditQueue({
      capacity: 5,
      batchSize: 100,
      flushMs: 3_600_000,
      store: { insertMany: async (r) => (fail ? Promise.reject(new Error("db down")) : void written.push(...r)) },
    });
    const accepted = Array.from({ length: 8 }, (_, i) => q.push(rec(i)));
    expect(accepted).toEqual([true, true, true, true, true, false, false, false]);
    await q.flush();
    expect(q.stats()).toMatchObject({ queued: 5, dropped: 3, failedBatches: 1, lastError: "db down" });
    fail = false;
    await q.stop();
    expect(written.map((r) => r.at % 100)).toEqual([0, 1, 2, 3, 4]);
  });

  it("makes ids that sort by time", () => {
    const ids = [5, 1000, 86_400_000].map((d) => auditRecordId(1_700_000_000_000 + d));
    expect([...ids].sort()).toEqual(ids);
  });

  it("exports CSV that spreadsheets will not run as formulas", () => {
    const row = csvRow({ ...rec(0), at: "2026-01-01T00:00:00.000Z", subject: "=cmd()", name: 'a,"b"' });
    expect(csvHeader()).toMatch(/^id,at,server,subject/);
    expect(row).toContain(`,'=cmd(),`);
    expect(row).toContain(`,"a,""b""",`);
  });
});
