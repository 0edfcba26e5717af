/**
 * The audit trail's batch writer, off the event loop that serves requests:
 * one INSERT per batch (Prisma's createMany measured far more CPU per row,
 * docs/performance.md, Policy and audit).
 *
 * SQLite: a worker thread with its own connection writes the batches (the
 * libsql driver runs statements synchronously, so a batch written here would
 * stall every request meanwhile). A batch crosses to it as one JSON text, one
 * array of values per row, and SQLite unpacks it itself (`json_each`): the
 * request thread serialises one string instead of cloning every value, and
 * the statement binds one parameter, not fourteen per row.
 * PostgreSQL: a small `pg` pool, one multi-row INSERT per batch.
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

/** The row's values in COLUMNS order, with `at` as given. */
function values(r: AuditRecord, at: Value): Value[] {
  return [
    r.id,
    at,
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
    // `at` as the database's own timestamp text (what Prisma writes and reads).
    const iso = new Date(r.at).toISOString();
    const v = values(r, kind === "sqlite" ? iso.replace("Z", "+00:00") : iso.slice(0, -1));
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

/** Rows per statement on PostgreSQL, which allows 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;

/** A UTF-16 surrogate without its other half. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const wellFormed = (v: Value) => (typeof v === "string" ? v.replace(LONE_SURROGATE, "\ufffd") : v);

/**
 * A batch for the SQLite worker: every row's values in COLUMNS order, `at` in epoch ms (whole).
 * JSON.stringify writes a lone surrogate (any string a client sent may hold one) as a `\udXXX` escape,
 * which SQLite would decode into bytes that are not UTF-8, and the driver aborts the process reading
 * them back; such batches (rare: found by looking for the escape) are encoded again with U+FFFD in
 * its place, which is what binding the string as a parameter stores.
 */
function jsonRows(records: AuditRecord[]): string {
  const text = JSON.stringify(records.map((r) => values(r, Math.trunc(r.at))));
  if (!text.includes("\\ud")) return text;
  return JSON.stringify(records.map((r) => values(r, Math.trunc(r.at)).map(wellFormed)));
}

/**
 * SQLite's INSERT of one `jsonRows` text. `at` becomes the timestamp text Prisma writes and reads,
 * `2026-01-02T03:04:05.006+00:00`, from whole seconds and milliseconds (exact, no floating point).
 */
const SQLITE_INSERT_JSON = (() => {
  const at = (i: number) =>
    `strftime('%Y-%m-%dT%H:%M:%S', (value->>${i}) / 1000, 'unixepoch') || printf('.%03d+00:00', (value->>${i}) % 1000)`;
  const selected = COLUMNS.map((c, i) => (c === "at" ? at(i) : `value->>${i}`));
  return `INSERT INTO "McpAuditRecord" (${COLUMNS.map((c) => `"${c}"`).join(",")}) SELECT ${selected.join(",")} FROM json_each(?)`;
})();

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
parentPort.on("message", async ({ id, rows }) => {
  try {
    await ready;
    await client.execute({ sql: workerData.insert, args: [rows] });
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
    const w = new Worker(WORKER_SOURCE, { eval: true, workerData: { libsql, url, insert: SQLITE_INSERT_JSON } });
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
  return {
    insertMany: (records) =>
      new Promise<void>((resolve, reject) => {
        worker ??= start();
        const id = next++;
        waiting.set(id, { resolve, reject });
        worker.postMessage({ id, rows: jsonRows(records) });
      }),
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
