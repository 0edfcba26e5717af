// The audit trail's store on a real SQLite database: batch writes from the worker thread, pages newest
// first with filters and a cursor, and retention by age and by row count. The writer's batches (one JSON
// text per batch, bound to prepared multi-row INSERTs) go in whole or not at all, whatever their size, and
// keep any string a client can send: quotes, control characters, non-ASCII, and a lone UTF-16 surrogate,
// stored as U+FFFD instead of bytes that are not UTF-8, which the driver cannot read back.
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

  it("writes a batch of any size whole, or none of it when one row fails", async () => {
    const count = async (server: string) => (await q({ server, limit: 1000 })).entries.length;
    // 6 × 100 + 20 + 3 × 5 + 2 × 1 rows: every prepared statement size.
    await writer.insertMany(Array.from({ length: 637 }, (_, i) => rec(i, { server: "sizes", requestId: `q${i}` })));
    expect(await count("sizes")).toBe(637);
    const ids = new Set((await q({ server: "sizes", limit: 1000 })).entries.map((e) => e.id));
    expect(ids.size).toBe(637);

    // The 130th row repeats the first's id (the primary key): the batch fails, and its first rows are not kept.
    const batch = Array.from({ length: 200 }, (_, i) => rec(i, { server: "atomic" }));
    batch[129] = { ...batch[129], id: batch[0].id };
    await expect(writer.insertMany(batch)).rejects.toThrow(/UNIQUE/);
    expect(await count("atomic")).toBe(0);
    await writer.insertMany([rec(0, { server: "atomic" })]); // the writer goes on after a failed batch
    expect(await count("atomic")).toBe(1);
    await store.db.mcpAuditRecord.deleteMany({ where: { server: { in: ["sizes", "atomic"] } } });
  });

  it("writes and reads back every string a request can carry, times to the millisecond", async () => {
    const names = [`a'b"c`, "line\nbreak\ttab", "üñí ☃ 🚀", "\\ud800 as text", "lone\ud800surrogate", "tail\udc00"];
    const at = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    await writer.insertMany(
      names.map((name, i) => ({
        id: `r${i}`,
        at: at + i * 1001,
        server: "s",
        subject: name,
        method: "tools/call",
        name,
        decision: "allow" as const,
        status: 200,
        latencyMs: i === 0 ? NaN : 1.5,
        arguments: JSON.stringify({ text: name }),
      })),
    );
    const { entries } = await createAuditRepo(store.db).query(auditFilterSchema.parse({ limit: 100 }));
    const byId = new Map(entries.map((e) => [e.id, e]));
    const expected = names.map((n) => n.replace("\ud800", "\ufffd").replace("\udc00", "\ufffd"));
    names.forEach((name, i) => {
      const e = byId.get(`r${i}`)!;
      expect(e.name).toBe(expected[i]);
      expect(e.subject).toBe(expected[i]);
      expect(e.arguments).toBe(JSON.stringify({ text: name }));
      expect(e.at).toBe(new Date(at + i * 1001).toISOString());
      expect(e.latencyMs).toBe(i === 0 ? 0 : 1.5);
    });
  });
});
