/**
 * Step 12 (warning): Claude Code drops the issuer's path when it builds the
 * discovery URLs, so an authorization server with a path (the facade's
 * `/oauth/<provider>`) is looked up at the host's root instead.
 */
import type { SelftestContext, StepOutcome } from "../context";

export function checkClaudeCodeIssuer(ctx: SelftestContext): StepOutcome {
  const asUrl = ctx.asUrl!;
  const path = new URL(asUrl).pathname.replace(/\/+$/, "");
  if (!path) return { status: "pass", detail: `the authorization server ${asUrl} is at a host's root` };
  return {
    status: "warn",
    expected: "an issuer without a path",
    actual: asUrl,
    detail:
      "Claude Code looks for the authorization server's metadata at the host's root and misses an issuer with a path",
    hint: "For Claude Code, serve the provider's facade at the root of a host of its own (facadeUrl, docs/clients.md).",
  };
}
