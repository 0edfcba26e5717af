/**
 * Prisma-backed reads of the MCP audit trail: filtered pages newest first,
 * and retention by age and by row count (writes: audit-writer.ts).
 */
import type { AuditEntry } from "../audit/record";
import type { AuditFilter } from "../audit/filters";
import type { Db } from "./client";

type Row = {
  id: string;
  at: Date;
  server: string;
  subject: string | null;
  client: string | null;
  method: string | null;
  name: string | null;
  decision: string;
  rule: string | null;
  status: number;
  latencyMs: number;
  requestId: string | null;
  fingerprint: string | null;
  arguments: string | null;
};

function toEntry(r: Row): AuditEntry {
  const e: Record<string, unknown> = { id: r.id, at: r.at.toISOString() };
  for (const [k, v] of Object.entries(r)) if (k !== "id" && k !== "at" && v !== null) e[k] = v;
  return e as AuditEntry;
}

export type AuditPage = { entries: AuditEntry[]; nextCursor?: string };
export type AuditRepo = ReturnType<typeof createAuditRepo>;

export function createAuditRepo(db: Db) {
  const where = (f: Partial<AuditFilter>) => ({
    ...(f.server ? { server: f.server } : {}),
    ...(f.subject ? { subject: f.subject } : {}),
    ...(f.client ? { client: f.client } : {}),
    ...(f.tool ? { name: f.tool } : {}),
    ...(f.outcome ? { decision: f.outcome } : {}),
    ...(f.from || f.to ? { at: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
    ...(f.cursor ? { id: { lt: f.cursor } } : {}),
  });

  return {
    /** One page, newest first; `nextCursor` when there is more. */
    async query(f: AuditFilter): Promise<AuditPage> {
      const rows = await db.mcpAuditRecord.findMany({ where: where(f), orderBy: { id: "desc" }, take: f.limit + 1 });
      const more = rows.length > f.limit;
      const page = (more ? rows.slice(0, f.limit) : rows).map(toEntry);
      return { entries: page, ...(more ? { nextCursor: page.at(-1)!.id } : {}) };
    },

    /** Deletes records older than `before`; returns how many. */
    async deleteOlderThan(before: Date): Promise<number> {
      return (await db.mcpAuditRecord.deleteMany({ where: { at: { lt: before } } })).count;
    },

    /** Keeps the newest `maxRows` records; returns how many were deleted. */
    async trimToRows(maxRows: number): Promise<number> {
      const edge = await db.mcpAuditRecord.findFirst({ orderBy: { id: "desc" }, skip: maxRows, select: { id: true } });
      if (!edge) return 0;
      return (await db.mcpAuditRecord.deleteMany({ where: { id: { lte: edge.id } } })).count;
    },
  };
}
