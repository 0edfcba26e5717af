/**
 * The audit trail as the API, the console and the CLI read it: filtered
 * pages, and exports (CSV or JSON) streamed page by page.
 */
import { parseOrThrow } from "../config/field-errors";
import type { AuditPage } from "../db/audit-repo";
import { auditFilterSchema, csvHeader, csvRow, filterInput, type AuditFilter } from "./filters";
import type { AuditQueueStats } from "./queue";

type Reader = { query(f: AuditFilter): Promise<AuditPage> };

/** Filters from a query string, validated by the shared schema (errors by parameter name). */
export const parseAuditFilter = (params: URLSearchParams): AuditFilter =>
  parseOrThrow(auditFilterSchema, filterInput(params), "audit query");

export const queryAudit = (repo: Reader, params: URLSearchParams) => repo.query(parseAuditFilter(params));

/** Most records one export returns (newest first); narrow the filters for more. */
export const MAX_EXPORT_ROWS = 100_000;

export function exportAudit(repo: Reader, params: URLSearchParams, format: "csv" | "json"): ReadableStream<Uint8Array> {
  const filter = { ...parseAuditFilter(params), limit: 1000, cursor: undefined as string | undefined };
  const enc = new TextEncoder();
  let sent = 0;
  let started = false;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      if (!started) {
        started = true;
        controller.enqueue(enc.encode(format === "csv" ? csvHeader() : "["));
      }
      const page = await repo.query(filter);
      const take = page.entries.slice(0, MAX_EXPORT_ROWS - sent);
      const text =
        format === "csv"
          ? take.map(csvRow).join("")
          : take.map((e, i) => (sent + i === 0 ? "\n" : ",\n") + JSON.stringify(e)).join("");
      sent += take.length;
      if (text) controller.enqueue(enc.encode(text));
      filter.cursor = page.nextCursor;
      if (!page.nextCursor || sent >= MAX_EXPORT_ROWS) {
        done = true;
        if (format === "json") controller.enqueue(enc.encode("\n]\n"));
        controller.close();
      }
    },
  });
}

export type AuditStatus = { queue: AuditQueueStats; rateLimits: { keys: number; syncs: number; syncFailures: number } };
