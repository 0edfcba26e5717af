// The audit trail's store on a real SQLite database: batch writes from the worker thread, pages newest
// first with filters and a cursor, and retention by age and by row count.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type OpenDatabase } from "../lib/runtime/create-runtime";
import { createAuditRepo } from "../lib/db/audit-repo";
import { createAuditWriter, type AuditWriter } from "../lib/db/audit-writer";
import { auditRecordId } from "../lib/audit/record-id";
import { applyRetention } from "../lib/audit/retention";
import { auditFilterSchema } from "../lib/audit/filters";
import type { AuditRecord } from "../lib/audit/record";

const DAY = 86_400_000;
const now = Date.now();

describe("audit store", () => {
  const dir = mkdtempSync(join(tmpdir(), "pc-audit-"));
  let store: OpenDatabase;
  let writer: AuditWriter;
  beforeAll(async () => {
    store = await openDatabase({ DATABASE_URL: `file:${join(dir, "audit.db")}`, PORTCULLIS_SECRET_KEY: undefined });
    writer = createAuditWriter(store.target);
  });
  afterAll(async () => {
    await writer?.close();
    await store?.db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  const rec = (ageMs: number, over: Partial<AuditRecord> = {}): AuditRecord => ({
    id: auditRecordId(now - ageMs),
    at: now - ageMs,
    server: "s",
    decision: "allow",
    status: 200,
    latencyMs: 2.5,
    ...over,
  });
  const q = (f: Record<string, unknown>) => createAuditRepo(store.db).query(auditFilterSchema.parse(f));

  it("writes batches and reads them back newest first, filtered and paged", async () => {
    await writer.insertMany([
      ...Array.from({ length: 25 }, (_, i) =>
        rec(i * 1000, { name: i % 5 === 0 ? "rm" : "echo", method: "tools/call" }),
      ),
      rec(40 * DAY, { server: "old", decision: "deny", rule: "no-rm", subject: "alice", arguments: '{"a":1}' }),
    ]);
    const first = await q({ server: "s", limit: 10 });
    expect(first.entries).toHaveLength(10);
    expect(first.entries[0].at).toBe(new Date(now).toISOString());
    const second = await q({ server: "s", limit: 10, cursor: first.nextCursor });
    expect(second.entries[0].at).toBe(new Date(now - 10_000).toISOString());
    expect((await q({ tool: "rm" })).entries).toHaveLength(5);
    const old = (await q({ outcome: "deny" })).entries;
    expect(old).toEqual([
      expect.objectContaining({ server: "old", rule: "no-rm", subject: "alice", arguments: '{"a":1}', latencyMs: 2.5 }),
    ]);
    expect((await q({ from: new Date(now - 4500).toISOString() })).entries).toHaveLength(5);
  });

  it("deletes what is older than the retention period, then the oldest beyond the row cap", async () => {
    expect(await applyRetention(createAuditRepo(store.db), { days: 30, maxRows: 20 }, now)).toEqual({
      expired: 1,
      trimmed: 5,
    });
    const left = (await q({ limit: 1000 })).entries;
    expect(left).toHaveLength(20);
    expect(left.at(-1)!.at).toBe(new Date(now - 19_000).toISOString());
  });
});
