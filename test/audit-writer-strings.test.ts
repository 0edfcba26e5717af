// The SQLite audit writer's batches (one JSON text per batch, unpacked by SQLite) keep any string a client
// can send: quotes, control characters, non-ASCII, and a lone UTF-16 surrogate, which is stored as U+FFFD
// (as a bound parameter would be) instead of bytes that are not UTF-8, which the driver cannot read back.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type OpenDatabase } from "../lib/runtime/create-runtime";
import { createAuditRepo } from "../lib/db/audit-repo";
import { createAuditWriter, type AuditWriter } from "../lib/db/audit-writer";
import { auditFilterSchema } from "../lib/audit/filters";

describe("audit writer strings", () => {
  const dir = mkdtempSync(join(tmpdir(), "pc-audit-strings-"));
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
