import { AppError } from "@/lib/errors";
import { probeUpstream } from "@/lib/status/upstream-probe";
import { apiHandler, getRuntime, param } from "../../../_lib/handler";

export const dynamic = "force-dynamic";

/** An MCP `ping` to the server's upstream, with its credential if it has one (2.5 s deadline): healthy or why not. */
export const GET = apiHandler(async (_req, p) => {
  const name = param(p, "name");
  const server = getRuntime().config.current().servers.get(name);
  if (!server) throw new AppError("not_found", `server "${name}" does not exist`);
  const auth = server.upstreamAuth;
  return probeUpstream(server.upstream, auth?.value ? { headers: { [auth.header]: auth.value } } : {});
});
