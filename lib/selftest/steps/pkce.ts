/** Step 9: the authorization server advertises PKCE S256, which MCP clients require. */
import type { SelftestContext, StepOutcome } from "../context";

export function checkPkce(ctx: SelftestContext): StepOutcome {
  const listed = ctx.asDoc?.code_challenge_methods_supported;
  const methods = Array.isArray(listed) ? (listed as unknown[]) : undefined;
  if (methods?.includes("S256"))
    return { status: "pass", detail: `code_challenge_methods_supported: ${methods.join(", ")}` };
  return {
    status: "fail",
    expected: "S256 in code_challenge_methods_supported",
    actual: methods ? methods.join(", ") || "(empty)" : "(not advertised)",
    detail: "MCP clients refuse authorization servers that do not advertise S256",
    hint: "Use mode proxy: the facade advertises S256.",
  };
}
