/**
 * Claude Code drops the issuer's path when it builds the discovery URLs, so an
 * authorization server with a path (the facade's `/oauth/<provider>`) is looked
 * up at the host's root instead.
 */
import type { SelftestContext } from "../context";
import type { ClientNote } from "../types";

export function checkClaudeCodeIssuer(ctx: SelftestContext): ClientNote | undefined {
  if (!ctx.asUrl) return undefined; // discovery did not get that far: the steps say why
  if (!new URL(ctx.asUrl).pathname.replace(/\/+$/, "")) return undefined;
  return {
    id: "claude_code_issuer",
    client: "Claude Code",
    expected: "an authorization server at a host's root",
    actual: ctx.asUrl,
    detail:
      "Claude Code looks for the authorization server's metadata at the host's root and misses an issuer with a path",
    hint: "Serve the provider's facade at the root of a host of its own (facadeUrl, docs/clients.md).",
  };
}
