/**
 * A server's `rateLimits` applied to one request: a bucket per caller for
 * every MCP message, and one per caller and tool for matching tool calls.
 * The caller is the token's subject or client id (as configured, each falling
 * back to the other), or the peer address for anonymous requests.
 */
import { createHash } from "node:crypto";
import type { RateLimitsConfig } from "../config/schema";
import { compileGlobs, type GlobSet } from "../policy/glob";
import type { Caller } from "../policy/types";
import type { BucketSpec } from "./bucket";
import type { McpRateLimiter } from "./limiter";

export type CompiledLimits = {
  by: RateLimitsConfig["by"];
  perCaller?: BucketSpec;
  perTool: ReadonlyArray<{ names: GlobSet; spec: BucketSpec }>;
};

export function compileLimits(c: RateLimitsConfig): CompiledLimits {
  return {
    by: c.by,
    perCaller: c.perCaller,
    perTool: c.perTool.map((t) => ({
      names: compileGlobs(t.names),
      spec: { capacity: t.capacity, refillPerSecond: t.refillPerSecond },
    })),
  };
}

/** Keys stay short and printable whatever a subject looks like. */
const part = (s: string) =>
  s.length <= 128 && /^[\x21-\x7e]*$/.test(s) ? s : `h:${createHash("sha256").update(s).digest("base64url")}`;

export function callerKey(limits: CompiledLimits, caller: Caller, peer: string | undefined): string {
  const id = limits.by === "subject" ? (caller.subject ?? caller.client) : (caller.client ?? caller.subject);
  return id !== undefined ? `${limits.by === "subject" ? "sub" : "cid"}:${part(id)}` : `peer:${peer ?? "unknown"}`;
}

export type LimitHit = { retryAfterMs: number; limit: string };

/** Takes one token per message (and per tool call); the first bucket that is empty refuses the request. */
export function takeForRequest(
  limiter: McpRateLimiter,
  server: string,
  limits: CompiledLimits,
  who: string,
  toolCalls: readonly string[],
  messages: number,
): LimitHit | undefined {
  if (limits.perCaller) {
    const wait = limiter.take(`mcp:${server}:${who}`, limits.perCaller, messages);
    if (wait > 0) return { retryAfterMs: wait, limit: "perCaller" };
  }
  for (const tool of toolCalls) {
    const t = limits.perTool.find((x) => x.names.test(tool));
    if (!t) continue;
    const wait = limiter.take(`mcp:${server}:${who}:tool:${part(tool)}`, t.spec);
    if (wait > 0) return { retryAfterMs: wait, limit: `perTool ${tool}` };
  }
  return undefined;
}
