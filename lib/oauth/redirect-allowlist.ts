/**
 * Is a redirect URI allowed by a server's `allowedRedirectUris` (entries and
 * presets: lib/config/redirect-allowlist-entries.ts)? Exact entries match
 * exactly; a loopback entry matches any port, and localhost, 127.0.0.1 and
 * [::1] count as one host; a prefix pattern matches https URIs on exactly its
 * host and port whose path continues the prefix with plain segments (no
 * query, fragment, escapes or dot segments, so nothing can climb out of it).
 */
import { parseAllowlistEntry, type AllowlistEntry } from "../config/redirect-allowlist-entries";
import { isLoopbackHost } from "./redirect-uri";

const SEGMENTS = /^[A-Za-z0-9_~-][A-Za-z0-9._~-]*(?:\/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*$/;

/** Expands presets; invalid entries (refused by the schema anyway) are skipped. */
export function compileAllowlist(entries: readonly string[]): AllowlistEntry[] {
  return entries.flatMap((e) => {
    const p = parseAllowlistEntry(e);
    return typeof p === "string" ? [] : p;
  });
}

function loopbackParts(raw: string): { rest: string } | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return undefined;
  }
  if (u.protocol !== "http:" || !isLoopbackHost(u.hostname) || u.username || u.password || /[#\\]/.test(raw))
    return undefined;
  // Everything after the authority, as written (no normalisation).
  return { rest: /^http:\/\/[^/?#]*(.*)$/i.exec(raw)?.[1] || "/" };
}

function matches(presented: string, entry: AllowlistEntry): boolean {
  switch (entry.kind) {
    case "exact": {
      if (presented === entry.uri) return true;
      const p = loopbackParts(presented);
      const e = p && loopbackParts(entry.uri);
      return Boolean(p && e && p.rest === e.rest);
    }
    case "loopback":
      return loopbackParts(presented) !== undefined;
    case "prefix": {
      if (!presented.toLowerCase().startsWith(entry.origin.toLowerCase() + entry.pathPrefix.slice(0, 1))) return false;
      let u: URL;
      try {
        u = new URL(presented);
      } catch {
        return false;
      }
      if (u.origin !== entry.origin || u.search || u.hash || /[?#\\%]/.test(presented)) return false;
      const path = /^https:\/\/[^/]+(\/.*)$/i.exec(presented)?.[1] ?? "";
      if (path !== u.pathname || !path.startsWith(entry.pathPrefix)) return false;
      const rest = path.slice(entry.pathPrefix.length);
      return SEGMENTS.test(rest) && !rest.split("/").some((s) => s === "." || s === "..");
    }
  }
}

/** True when `presented` matches an entry of the compiled allowlist. */
export function redirectAllowed(presented: string, allowlist: readonly AllowlistEntry[]): boolean {
  return allowlist.some((e) => matches(presented, e));
}
