/**
 * One audited MCP operation (docs/policy.md § Audit). Never a token: at most
 * its fingerprint. Arguments only when the server's audit asks for them.
 */
export const auditDecisions = ["allow", "deny", "challenge", "rate_limited", "invalid", "rejected"] as const;
export type AuditDecision = (typeof auditDecisions)[number];

export type AuditRecord = {
  /** Time-ordered (record-id.ts). */
  id: string;
  /** Epoch ms when the response ended. */
  at: number;
  server: string;
  subject?: string;
  client?: string;
  method?: string;
  name?: string;
  decision: AuditDecision;
  rule?: string;
  status: number;
  latencyMs: number;
  requestId?: string;
  fingerprint?: string;
  /** JSON text, bounded (see argumentsText). */
  arguments?: string;
};

/** What the API and the console return: time as ISO 8601. */
export type AuditEntry = Omit<AuditRecord, "at"> & { at: string };

export const MAX_ARGUMENTS_CHARS = 8192;

/** Tool arguments as stored: JSON, cut at MAX_ARGUMENTS_CHARS (marked), undefined when there are none. */
export function argumentsText(params: Record<string, unknown> | undefined): string | undefined {
  const args = params?.arguments;
  if (args === undefined) return undefined;
  const text = JSON.stringify(args);
  return text.length > MAX_ARGUMENTS_CHARS ? `${text.slice(0, MAX_ARGUMENTS_CHARS)}…(truncated)` : text;
}
