import type { Runtime } from "../runtime/types";
import { errorMessage } from "../errors";

const DB_TIMEOUT_MS = 2000;

/**
 * Ready = the database answers within 2 s and a config snapshot is loaded. Probes answer anyone
 * (whatever the host), so a failed check says only that it failed; the reason (which names the
 * database's address and the driver's message) goes to the log.
 */
export async function readiness(
  runtime: Pick<Runtime, "db" | "target" | "config" | "logger" | "audit">,
): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
  const checks: Record<string, { ok: boolean; detail?: string }> = {};
  try {
    await Promise.race([
      runtime.db.$queryRawUnsafe("SELECT 1"),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error(`timed out after ${DB_TIMEOUT_MS} ms`)), DB_TIMEOUT_MS).unref(),
      ),
    ]);
    checks.database = { ok: true, detail: runtime.target.kind };
  } catch (e) {
    runtime.logger.warn(
      { database: runtime.target.kind, err: errorMessage(e) },
      "readiness check: the database did not answer",
    );
    checks.database = { ok: false, detail: "unavailable" };
  }
  const snap = runtime.config.current();
  checks.config = {
    ok: true,
    detail: `version ${snap.version}, ${snap.servers.size} servers, ${snap.providers.size} providers`,
  };
  // Informational: the counts say whether audit records are lost; the last write error is for the
  // operator (the log, /api/audit/status), not for anyone who can reach the probe.
  const a = runtime.audit.queue.stats();
  checks.audit = {
    ok: true,
    detail: `queued ${a.queued} of ${a.capacity}, ${a.dropped} dropped, ${a.written} written${a.lastError ? ", last write failed" : ""}`,
  };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
