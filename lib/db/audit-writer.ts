/**
 * The audit trail's batch writer, off the event loop that serves requests:
 * one multi-row INSERT per batch, written by a worker thread with its own
 * connection on SQLite (the libsql driver runs statements synchronously, so a
 * batch written here would stall every request meanwhile) and by a small
 * `pg` pool on PostgreSQL. Prisma's createMany measured far more CPU per row
 * than one plain multi-row INSERT (docs/performance.md, Policy and audit).
 */
import { createRequire } from "node:module";
import { Worker } from "node:worker_threads";
import { AUDIT_COLUMNS } from "../audit/filters";
import type { AuditStore } from "../audit/queue";
import type { AuditRecord } from "../audit/record";
import type { DatabaseTarget } from "./url";

/** The table's columns, in the order the export shows them. */
const COLUMNS = AUDIT_COLUMNS;

type Value = string | number | null;

/** The row's values in COLUMNS order; `at` as the database's own timestamp text (what Prisma writes and reads). */
function values(r: AuditRecord, kind: DatabaseTarget["kind"]): Value[] {
  const iso = new Date(r.at).toISOString();
  return [
    r.id,
    kind === "sqlite" ? iso.replace("Z", "+00:00") : iso.slice(0, -1),
    r.server,
    r.subject ?? null,
    r.client ?? null,
    r.method ?? null,
    r.name ?? null,
    r.decision,
    r.rule ?? null,
    r.status,
    Number.isFinite(r.latencyMs) ? r.latencyMs : 0,
    r.requestId ?? null,
    r.fingerprint ?? null,
    r.arguments ?? null,
  ];
}

/** One INSERT for the whole batch (SQLite `?` and PostgreSQL `$n` placeholders). */
export function insertStatement(records: AuditRecord[], kind: DatabaseTarget["kind"]): { sql: string; args: Value[] } {
  const args: Value[] = [];
  const rows = records.map((r) => {
    const v = values(r, kind);
    const marks = v.map((_, i) =>
      kind === "sqlite" ? "?" : `$${args.length + i + 1}${COLUMNS[i] === "at" ? "::timestamp" : ""}`,
    );
    args.push(...v);
    return `(${marks.join(",")})`;
  });
  return {
    sql: `INSERT INTO "McpAuditRecord" (${COLUMNS.map((c) => `"${c}"`).join(",")}) VALUES ${rows.join(",")}`,
    args,
  };
}

/** Batches per statement: SQLite allows 32,766 parameters, PostgreSQL 65,535. */
const ROWS_PER_STATEMENT = 1000;

export type AuditWriter = AuditStore & { close(): Promise<void> };

export function createAuditWriter(target: DatabaseTarget): AuditWriter {
  return target.kind === "sqlite" ? sqliteWriter(target.url) : postgresWriter(target.url);
}

// A CommonJS worker given as source, so it runs the same from tsx and from the esbuild bundle; it loads the
// libsql client from the path the main thread resolved.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { createClient } = require(workerData.libsql);
const client = createClient({ url: workerData.url });
const ready = client.execute("PRAGMA busy_timeout = 10000");
parentPort.on("message", async ({ id, sql, args }) => {
  try {
    await ready;
    await client.execute({ sql, args });
    parentPort.postMessage({ id, ok: true });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

function sqliteWriter(url: string): AuditWriter {
  const libsql = createRequire(import.meta.url).resolve("@libsql/client");
  let worker: Worker | undefined;
  let next = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { libsql, url } });
    w.unref();
    w.on("message", (m: { id: number; ok: boolean; error?: string }) => {
      const p = waiting.get(m.id);
      waiting.delete(m.id);
      if (m.ok) p?.resolve();
      else p?.reject(new Error(m.error));
    });
    w.on("error", (e) => {
      for (const p of waiting.values()) p.reject(e);
      waiting.clear();
      worker = undefined; // started again by the next batch
    });
    return w;
  };
  const run = (stmt: { sql: string; args: Value[] }) =>
    new Promise<void>((resolve, reject) => {
      worker ??= start();
      const id = next++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...stmt });
    });
  return {
    async insertMany(records) {
      for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT)
        await run(insertStatement(records.slice(i, i + ROWS_PER_STATEMENT), "sqlite"));
    },
    async close() {
      await worker?.terminate();
      worker = undefined;
    },
  };
}

function postgresWriter(url: string): AuditWriter {
  let pool: import("pg").Pool | undefined;
  const get = async () => (pool ??= new (await import("pg")).default.Pool({ connectionString: url, max: 2 }));
  return {
    async insertMany(records) {
      const p = await get();
      for (let i = 0; i < records.length; i += ROWS_PER_STATEMENT) {
        const { sql, args } = insertStatement(records.slice(i, i + ROWS_PER_STATEMENT), "postgres");
        await p.query(sql, args);
      }
    },
    async close() {
      await pool?.end();
    },
  };
}
