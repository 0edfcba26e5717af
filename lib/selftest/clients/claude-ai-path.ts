/** Claude.ai connects only when the MCP URL's path is exactly `/mcp`. */
import type { SelftestContext } from "../context";
import type { ClientNote } from "../types";

export function checkClaudeAiPath(ctx: SelftestContext): ClientNote | undefined {
  const path = new URL(ctx.opts.mcpUrl).pathname;
  if (path === "/mcp") return undefined;
  return {
    id: "claude_ai_path",
    client: "Claude.ai",
    expected: "/mcp",
    actual: path,
    detail: "Claude.ai fails to connect to MCP URLs whose path is not exactly /mcp",
    hint: 'Give the server its own host: path /mcp, routing "host" and that host in publicUrls (docs/clients.md).',
  };
}
