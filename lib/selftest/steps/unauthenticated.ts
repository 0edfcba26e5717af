/**
 * Step 1: POST `initialize` to the MCP URL without a token. It must answer
 * 401, or clients never start OAuth.
 */
import { errorMessage } from "../../errors";
import type { SelftestContext, StepOutcome } from "../context";

export const INITIALIZE_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "portcullis-selftest", version: "1" },
  },
});

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-06-18",
};

export async function checkUnauthenticated(ctx: SelftestContext): Promise<StepOutcome> {
  const url = ctx.opts.mcpUrl;
  try {
    ctx.first = await ctx.get(url, { method: "POST", headers: MCP_HEADERS, body: INITIALIZE_BODY });
  } catch (e) {
    return {
      status: "fail",
      url,
      detail: `request failed: ${errorMessage(e)}`,
      hint: "Is the gateway reachable at this public URL?",
      stop: true,
    };
  }
  const status = ctx.first.status;
  if (status === 401) return { status: "pass", url, detail: "401 Unauthorized" };
  return {
    status: "fail",
    url,
    expected: "401",
    actual: String(status),
    detail:
      status >= 200 && status < 300
        ? "the server answered without a token: clients will never start OAuth (auth: none, or enforcement optional/permissive)"
        : `unexpected status ${status}`,
    hint:
      status === 404 || (status >= 300 && status < 400)
        ? "The gateway does not route this URL to the server: check its path and public URL."
        : undefined,
    stop: true,
  };
}
