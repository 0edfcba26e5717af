/**
 * The audit trail's batch writer, off the event loop that serves requests:
 * one INSERT per batch (Prisma's createMany measured far more CPU per row,
 * docs/performance.md, Policy and audit).
 *
 * SQLite: a worker thread with its own connection writes the batches (the
 * libsql driver runs statements synchronously, so a batch written here would
 * stall every request meanwhile). A batch crosses to it as one JSON text, one
 * array of values per row (the request thread serialises one string instead
 * of cloning every value), and the worker binds them to prepared multi-row
 * INSERTs, one transaction per batch.
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

/** A batch for the SQLite worker: every row's values in COLUMNS order, `at` in epoch ms (whole), as one JSON text. */
const jsonRows = (records: AuditRecord[]): string => JSON.stringify(records.map((r) => values(r, Math.trunc(r.at))));

/** Rows per INSERT on SQLite, largest first: a batch is written with as few statements as these sizes allow. */
const SQLITE_CHUNKS = [100, 20, 5, 1];

export type AuditWriter = AuditStore & { close(): Promise<void> };

export function createAuditWriter(target: DatabaseTarget): AuditWriter {
  return target.kind === "sqlite" ? sqliteWriter(target.file) : postgresWriter(target.url);
}

// A CommonJS worker given as source, so it runs the same from tsx and from the esbuild bundle; it loads the
// libsql driver from the path the main thread resolved. It keeps one prepared multi-row INSERT per size in
// SQLITE_CHUNKS, and writes a batch in one transaction. A lone UTF-16 surrogate in a string (any string a
// client sent may hold one) survives JSON, and binding it as a parameter stores U+FFFD in its place.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require(workerData.libsql);
const { file, columns, chunks } = workerData;
const db = new Database(file);
db.pragma("busy_timeout = 10000");
// WAL without an fsync per commit: a committed batch survives the process (it is in the WAL file), and
// a power loss may lose the last batches, as it loses what the queue holds in memory.
db.pragma("synchronous = NORMAL");
const AT = columns.indexOf("at");
const row = "(" + columns.map(() => "?").join(",") + ")";
const into = "INSERT INTO \\"McpAuditRecord\\" (" + columns.map((c) => '"' + c + '"').join(",") + ") VALUES ";
const statements = new Map(chunks.map((n) => [n, db.prepare(into + Array(n).fill(row).join(","))]));
// 2026-01-02T03:04:05.006+00:00: the timestamp text Prisma writes and reads; the text up to the second is
// made once per second (a batch's rows share a few), the milliseconds appended.
let second = NaN;
let upToSecond = "";
const stamp = (ms) => {
  const s = Math.floor(ms / 1000);
  if (s !== second) {
    second = s;
    upToSecond = new Date(s * 1000).toISOString().slice(0, 19);
  }
  return upToSecond + "." + String(ms - s * 1000).padStart(3, "0") + "+00:00";
};
const insert = db.transaction((rows) => {
  let i = 0;
  for (const n of chunks) {
    for (; rows.length - i >= n; i += n) {
      const args = [];
      for (let j = i; j < i + n; j++) {
        const v = rows[j];
        v[AT] = stamp(v[AT]);
        for (let k = 0; k < v.length; k++) args.push(v[k]);
      }
      statements.get(n).run(args);
    }
  }
});
parentPort.on("message", ({ id, rows }) => {
  try {
    insert(JSON.parse(rows));
    parentPort.postMessage({ id, ok: true });
  } catch (e) {
    parentPort.postMessage({ id, ok: false, error: String((e && e.message) || e) });
  }
});
`;

function sqliteWriter(file: string): AuditWriter {
  const libsql = createRequire(import.meta.url).resolve("libsql");
  let worker: Worker | undefined;
  let next = 0;
  const waiting = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();
  const start = () => {
    const w = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { libsql, file, columns: COLUMNS, chunks: SQLITE_CHUNKS },
    });
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
