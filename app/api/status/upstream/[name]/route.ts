import { AppError } from "@/lib/errors";
import { probeUpstream } from "@/lib/status/upstream-probe";
import { apiHandler, getRuntime, param } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** A HEAD probe of the server's upstream (any HTTP answer = reachable), 2.5 s deadline. */
export const GET = apiHandler(async (_req, p) => {
  const name = param(p, "name");
  const server = getRuntime().config.current().servers.get(name);
  if (!server) throw new AppError("not_found", `server "${name}" does not exist`);
  return probeUpstream(server.upstream);
});
