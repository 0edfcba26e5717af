/**
 * DNS-rebinding protection (MCP transport spec: servers MUST validate
 * `Origin`). Requests without Origin (non-browser clients) pass. A browser
 * Origin passes when it is one of: the server's public URL origins,
 * PUBLIC_URL's origin, the server's `allowedOrigins`, or the origin of the
 * public base this request resolved to — but the last one only when that
 * base is trustworthy. In a rebinding attack the page at
 * `http://attacker.example:3000` talks to us with `Host: attacker.example:3000`
 * and an equal Origin, so "Origin equals Host" proves nothing. The request's
 * own origin is therefore accepted only when it came from configuration or a
 * trusted proxy, or names us by IP literal or `localhost` (names an attacker
 * cannot point at us).
 */
import { isIP } from "node:net";
import type { PublicBase } from "../urls/public-base";

export type OriginPolicy = { fixed: ReadonlySet<string> };

export function compileOriginPolicy(input: {
  publicUrls: readonly string[];
  publicUrl?: string;
  allowedOrigins: readonly string[];
}): OriginPolicy {
  const fixed = new Set<string>();
  for (const u of [...input.publicUrls, ...(input.publicUrl ? [input.publicUrl] : []), ...input.allowedOrigins]) {
    try {
      fixed.add(new URL(u).origin);
    } catch {
      /* validated by the config schema */
    }
  }
  return { fixed };
}

/** The request's own origin when it may be trusted as an allowed Origin (see above), else undefined. */
export function trustworthyRequestOrigin(pb: PublicBase): string | undefined {
  if (pb.source !== "request") return pb.base.origin;
  const h = pb.base.hostname;
  const bare = h.startsWith("[") ? h.slice(1, -1) : h;
  return isIP(bare) !== 0 || h === "localhost" ? pb.base.origin : undefined;
}

export function originAllowed(
  policy: OriginPolicy,
  origin: string | undefined,
  requestOrigin: string | undefined,
): boolean {
  if (origin === undefined) return true;
  // `Origin: null` (sandboxed iframes, file://) never matches.
  const o = origin.trim().toLowerCase();
  return o === requestOrigin || policy.fixed.has(o);
}
