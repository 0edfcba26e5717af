/**
 * Per-server activity for the servers list, from the live request log.
 */
import type { RequestLog, RequestLogEntry } from "../runtime/request-log";

type EntryBrief = Pick<RequestLogEntry, "id" | "at" | "code" | "reason" | "status">;

/** Rejections: the gateway refused; failures: 5xx answers (the upstream's own, or the gateway's 502/504). */
export type ServerActivity = {
  requests: number;
  rejections: number;
  lastRejection?: EntryBrief;
  failures: number;
  lastFailure?: EntryBrief;
};

const brief = (e: RequestLogEntry): EntryBrief => ({
  id: e.id,
  at: e.at,
  code: e.code,
  reason: e.reason,
  status: e.status,
});

export function serverActivity(log: RequestLog, names: Iterable<string>): Record<string, ServerActivity> {
  const out: Record<string, ServerActivity> = {};
  for (const name of names) {
    const s = log.stats(name);
    out[name] = {
      requests: s.requests,
      rejections: s.rejections,
      failures: s.failures,
      ...(s.lastRejection ? { lastRejection: brief(s.lastRejection) } : {}),
      ...(s.lastFailure ? { lastFailure: brief(s.lastFailure) } : {}),
    };
  }
  return out;
}

export type GatewayStatus = {
  gateway: { publicUrl: string | null; startedAt: string; configVersion: number; draining: boolean };
  /** As the config polls see it; `error` only here (authenticated), never on /readyz. */
  database: { ok: boolean; since: string; checkedAt: string; error?: string };
  servers: Record<string, ServerActivity>;
};
