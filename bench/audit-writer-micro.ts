/**
 * Micro-benchmark of the audit trail's SQLite write path (not a test; no assertions):
 *   node --import tsx bench/audit-writer-micro.ts [rows] [batch]
 * Writes `rows` records (default 100,000) in batches of `batch` (default the queue's, AUDIT_DEFAULTS) through the
 * real writer (lib/db/audit-writer.ts) into a fresh migrated database, twice, and prints the CPU time
 * per row of this process's main thread (building and sending the batches) and of its other threads
 * (the writer's worker thread, mostly), read from /proc (bench/proc-stats.ts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AUDIT_DEFAULTS } from "../lib/audit/queue";
import { auditRecordId } from "../lib/audit/record-id";
import type { AuditRecord } from "../lib/audit/record";
import { createAuditWriter } from "../lib/db/audit-writer";
import { formatRequestId } from "../lib/http/request-id";
import { openDatabase } from "../lib/runtime/create-runtime";
import { mainThreadCpuUs, processCpuUs } from "./proc-stats";

const rows = Number(process.argv[2] ?? 100_000);
const batch = Number(process.argv[3] ?? AUDIT_DEFAULTS.batchSize);

const main = () => mainThreadCpuUs(process.pid);
/** The worker threads' and V8's helper threads' CPU: the whole process but its main thread. */
const others = () => processCpuUs(process.pid) - mainThreadCpuUs(process.pid);

/** What (e) records for its one tools/call: every column but the arguments set. */
const record = (i: number): AuditRecord => {
  const at = Date.now();
  return {
    id: auditRecordId(at),
    at,
    server: "policy",
    subject: "bench-user",
    client: "bench-client",
    method: "tools/call",
    name: "echo",
    decision: "allow",
    rule: "readers",
    status: 200,
    latencyMs: 1.25,
    requestId: formatRequestId(i),
    fingerprint: "sha256:5bYyLn2kN1s",
  };
};

async function run() {
  const dir = mkdtempSync(join(tmpdir(), "pc-audit-micro-"));
  const store = await openDatabase({ DATABASE_URL: `file:${join(dir, "audit.db")}`, PORTCULLIS_SECRET_KEY: undefined });
  const writer = createAuditWriter(store.target);
  try {
    await writer.insertMany([record(0)]); // starts the worker
    for (let round = 1; round <= 2; round++) {
      const batches = Array.from({ length: Math.ceil(rows / batch) }, (_, j) =>
        Array.from({ length: Math.min(batch, rows - j * batch) }, (_, i) => record(j * batch + i)),
      );
      const main0 = main();
      const others0 = others();
      for (const b of batches) await writer.insertMany(b);
      const mainUs = (main() - main0) / rows;
      const othersUs = (others() - others0) / rows;
      console.log(
        `round ${round}: ${rows} rows in batches of ${batch}: main thread ${mainUs.toFixed(2)} µs/row, other threads ${othersUs.toFixed(2)} µs/row`,
      );
    }
  } finally {
    await writer.close();
    await store.db.$disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

void run();
