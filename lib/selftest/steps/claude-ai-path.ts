/** Step 11 (warning): Claude.ai connects only when the MCP URL's path is exactly `/mcp`. */
import type { SelftestContext, StepOutcome } from "../context";

export function checkClaudeAiPath(ctx: SelftestContext): StepOutcome {
  const path = new URL(ctx.opts.mcpUrl).pathname;
  if (path === "/mcp") return { status: "pass", detail: "the MCP URL's path is /mcp" };
  return {
    status: "warn",
    expected: "/mcp",
    actual: path,
    detail: "Claude.ai fails to connect to MCP URLs whose path is not exactly /mcp",
    hint: 'For Claude.ai, give the server its own host: path /mcp, routing "host" and that host in publicUrls (docs/clients.md).',
  };
}
