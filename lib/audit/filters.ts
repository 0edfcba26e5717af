/**
 * Audit queries: one zod schema for the filters, shared by the API (query
 * string), the console and the CSV/JSON export.
 */
import { z } from "zod";
import { auditDecisions, type AuditEntry } from "./record";

const text = z.string().trim().min(1).max(512).optional();
const time = z
  .string()
  .trim()
  .refine((v) => !Number.isNaN(Date.parse(v)), "must be a date and time (ISO 8601)")
  .transform((v) => new Date(v))
  .optional();

export const auditFilterSchema = z.strictObject({
  server: text,
  subject: text,
  client: text,
  /** Tool, prompt or resource name (exact). */
  tool: text,
  outcome: z.enum(auditDecisions).optional(),
  from: time,
  to: time,
  /** Paging: the last id of the previous page. */
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type AuditFilter = z.output<typeof auditFilterSchema>;

/** Query-string parameters (empty ones ignored) as the schema's input. */
export function filterInput(params: URLSearchParams, allowed = Object.keys(auditFilterSchema.shape)): unknown {
  const out: Record<string, string> = {};
  for (const [k, v] of params) if (v !== "" && allowed.includes(k)) out[k] = v;
  return out;
}

export const AUDIT_COLUMNS = [
  "id",
  "at",
  "server",
  "subject",
  "client",
  "method",
  "name",
  "decision",
  "rule",
  "status",
  "latencyMs",
  "requestId",
  "fingerprint",
  "arguments",
] as const satisfies readonly (keyof AuditEntry)[];

/** RFC 4180 field; a leading = + - @ is prefixed with ' so spreadsheets do not run it as a formula. */
function csvField(v: unknown): string {
  if (v === undefined || v === null) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const csvHeader = () => AUDIT_COLUMNS.join(",") + "\r\n";
export const csvRow = (e: AuditEntry) => AUDIT_COLUMNS.map((c) => csvField(e[c])).join(",") + "\r\n";
