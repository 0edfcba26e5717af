import type { Runtime } from "../runtime/types";

/** Ready = the database answers within 2 s and a config snapshot is loaded. */
export async function readiness(
  runtime: Runtime,
): Promise<{ ready: boolean; checks: Record<string, { ok: boolean; detail?: string }> }> {
  const checks: Record<string, { ok: boolean; detail?: string }> = {};
  try {
    await Promise.race([
      runtime.db.$queryRawUnsafe("SELECT 1"),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out after 2 s")), 2000).unref()),
    ]);
    checks.database = { ok: true, detail: runtime.target.kind };
  } catch (e) {
    checks.database = { ok: false, detail: (e as Error).message };
  }
  const snap = runtime.config.current();
  checks.config = {
    ok: true,
    detail: `version ${snap.version}, ${snap.servers.size} servers, ${snap.providers.size} providers`,
  };
  // Informational: a failing audit write shows in the database check; the counts say whether records are lost.
  const a = runtime.audit.queue.stats();
  checks.audit = {
    ok: true,
    detail: `queued ${a.queued} of ${a.capacity}, ${a.dropped} dropped, ${a.written} written${a.lastError ? `, last error: ${a.lastError}` : ""}`,
  };
  return { ready: Object.values(checks).every((c) => c.ok), checks };
}
