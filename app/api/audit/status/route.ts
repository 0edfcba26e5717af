import type { AuditStatus } from "@/lib/audit/service";
import { apiHandler, getRuntime } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** The audit write queue (queued, written, dropped) and the MCP rate limiter's shared accounting. */
export const GET = apiHandler((): AuditStatus => {
  const r = getRuntime();
  const { keys, syncs, syncFailures } = r.operations.limiter.stats();
  return { queue: r.audit.queue.stats(), rateLimits: { keys, syncs, syncFailures } };
});
