/**
 * An MCP request with the token succeeds: `initialize` POSTed to the MCP URL with the accepted token, through
 * the gateway to the upstream, as a client's first request. Its session, if the upstream opened one, is
 * closed again.
 */
import { errorMessage } from "../../errors";
import type { SelftestContext, StepOutcome } from "../context";
import { INITIALIZE_BODY, MCP_HEADERS } from "./unauthenticated";

export async function checkRequest(ctx: SelftestContext): Promise<StepOutcome> {
  const { token, mcpUrl } = ctx.opts;
  if (!token) return { status: "skip", detail: "no token given" };
  if (!ctx.tokenAccepted) return { status: "skip", detail: "the token is not accepted" };
  const auth = { ...MCP_HEADERS, authorization: `Bearer ${token}` };
  let r;
  try {
    r = await ctx.get(mcpUrl, { method: "POST", headers: auth, body: INITIALIZE_BODY });
  } catch (e) {
    return { status: "fail", url: mcpUrl, detail: `request failed: ${errorMessage(e)}` };
  }
  if (r.status >= 200 && r.status < 300) {
    const session = r.headers.get("mcp-session-id");
    if (session)
      await ctx.get(mcpUrl, { method: "DELETE", headers: { ...auth, "mcp-session-id": session } }).catch(() => {});
    return { status: "pass", url: mcpUrl, detail: `HTTP ${r.status} from the upstream` };
  }
  const body = r.body.replace(/\s+/g, " ").slice(0, 300);
  return {
    status: "fail",
    url: mcpUrl,
    expected: "2xx",
    actual: String(r.status),
    detail: `HTTP ${r.status}${body ? `: ${body}` : ""}`,
    hint:
      r.status === 502 || r.status === 504
        ? "The gateway accepted the token but could not reach the upstream: the live log names the cause."
        : r.status === 401 || r.status === 403
          ? "Rejected although the token's checks passed: the upstream refuses it, or the config changed meanwhile."
          : undefined,
  };
}
