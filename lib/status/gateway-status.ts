/**
 * Per-server activity for the servers list, from the live request log.
 */
import type { RequestLog, RequestLogEntry } from "../runtime/request-log";

export type ServerActivity = {
  requests: number;
  rejections: number;
  lastRejection?: Pick<RequestLogEntry, "id" | "at" | "code" | "reason" | "status">;
};

export function serverActivity(log: RequestLog, names: Iterable<string>): Record<string, ServerActivity> {
  const out: Record<string, ServerActivity> = {};
  for (const name of names) {
    const s = log.stats(name);
    out[name] = {
      requests: s.requests,
      rejections: s.rejections,
      ...(s.lastRejection
        ? {
            lastRejection: {
              id: s.lastRejection.id,
              at: s.lastRejection.at,
              code: s.lastRejection.code,
              reason: s.lastRejection.reason,
              status: s.lastRejection.status,
            },
          }
        : {}),
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
