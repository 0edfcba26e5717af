/** Step 5: the document's `resource` is the MCP URL the client connected to. */
import type { SelftestContext, StepOutcome } from "../context";

export function checkResource(ctx: SelftestContext): StepOutcome {
  const resource = typeof ctx.prm?.resource === "string" ? ctx.prm.resource : undefined;
  if (resource === ctx.opts.mcpUrl) return { status: "pass", detail: resource };
  return {
    status: "fail",
    expected: ctx.opts.mcpUrl,
    actual: resource ?? "(missing)",
    detail: "clients refuse metadata whose resource is not the URL they connected to",
    hint: "Add the URL clients use to the server's public URLs, or set PUBLIC_URL / TRUSTED_PROXIES so the gateway knows its external address.",
  };
}
