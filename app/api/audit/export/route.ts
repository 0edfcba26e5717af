import { exportAudit, parseAuditFilter } from "@/lib/audit/service";
import { AppError } from "@/lib/errors";
import { apiHandler, getRuntime } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** The filtered audit trail as a download: ?format=csv|json plus the filters of GET /api/audit. */
export const GET = apiHandler((req) => {
  const params = new URL(req.url).searchParams;
  const format = params.get("format") ?? "csv";
  if (format !== "csv" && format !== "json") throw new AppError("bad_request", "format must be csv or json");
  params.delete("format");
  parseAuditFilter(params); // bad filters answer 400 before the download starts
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return new Response(exportAudit(getRuntime().audit.repo, params, format), {
    headers: {
      "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/json; charset=utf-8",
      "content-disposition": `attachment; filename="portcullis-audit-${stamp}.${format}"`,
      "cache-control": "no-store",
    },
  });
});
