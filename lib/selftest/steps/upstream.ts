/**
 * The upstream answers MCP: an MCP `ping` sent straight to it, with the credential the gateway adds. A
 * refused connection, a wrong path (404/405) or a failing server (5xx) fails here, whatever the
 * discovery steps said: every client request would end in a 502.
 */
import { probeUpstream } from "../../status/upstream-probe";
import type { SelftestContext, StepOutcome } from "../context";

export async function checkUpstream(ctx: SelftestContext): Promise<StepOutcome> {
  const upstream = ctx.opts.upstream;
  if (!upstream) return { status: "skip", detail: "not checked" };
  const probe = ctx.opts.probe ?? probeUpstream;
  const r = await probe(upstream.url, { headers: upstream.headers });
  if (r.healthy) return { status: "pass", url: upstream.url, detail: r.detail };
  return {
    status: "fail",
    url: upstream.url,
    detail: r.detail,
    hint: r.reachable
      ? "The gateway forwards accepted requests to this URL: check the upstream URL's path, and the server's own logs."
      : "Nothing answers at the upstream URL: start the MCP server, or correct its address.",
  };
}
