import type { RequestContext } from "../http/types";
import type { RequestLogRecord } from "../runtime/request-log";
import type { Diagnosis } from "../tokens";
import type { Decision } from "../tokens/decide";

/**
 * A refused request, in its context and request-log record: the outcome, the failed check's code and message,
 * and the diagnosis, kept for "open in inspector" (rejections never come from the verdict cache, so it is whole).
 */
export function recordRejection(
  ctx: RequestContext,
  log: RequestLogRecord,
  decision: Decision & { allow: false },
  diagnosis: Diagnosis | undefined,
): void {
  const code = diagnosis?.failed?.code ?? "no_token";
  ctx.outcome = `rejected:${code}`;
  log.outcome = decision.reason === "no_token" ? "unauthenticated" : "rejected";
  log.code = code;
  log.reason = diagnosis?.failed?.message ?? "no access token";
  log.diagnosis = diagnosis;
}
