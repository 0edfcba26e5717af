import { filterFrom, summarize } from "@/lib/runtime/request-entries";
import { apiHandler, getRuntime } from "../_lib/handler";

export const dynamic = "force-dynamic";

/** The latest proxy decisions (newest first), filterable by ?server= and ?outcome=. */
export const GET = apiHandler((req) => {
  const url = new URL(req.url);
  const limit = Math.min(Math.max(Number(url.searchParams.get("limit")) || 200, 1), 2000);
  return getRuntime()
    .requestLog.list({ ...filterFrom(url), limit })
    .map(summarize);
});
