import { AppError } from "@/lib/errors";
import { apiHandler, getRuntime, param } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** One logged decision with its stored diagnosis (never the token). */
export const GET = apiHandler((_req, p) => {
  const id = param(p, "id");
  const entry = getRuntime().requestLog.get(id);
  if (!entry) throw new AppError("not_found", "this request is no longer in the live log (it keeps the latest 2000)");
  return entry;
});
