/**
 * What a server's `allowedRedirectUris` may list: an exact URI (loopback: any
 * port), a named preset for a well-known client, or a prefix pattern
 * `https://<exact host>/<path>/*` for callbacks only known at run time (one
 * per ChatGPT connector). lib/oauth/redirect-allowlist.ts matches them.
 */

/** `loopback`: any http URI on localhost, 127.0.0.0/8 or [::1], any port and path (native apps). */
export const LOOPBACK = "loopback";

export const REDIRECT_PRESETS = {
  claude: ["https://claude.ai/api/mcp/auth_callback", "https://claude.com/api/mcp/auth_callback"],
  chatgpt: ["https://chatgpt.com/connector/oauth/*"],
  vscode: ["https://vscode.dev/redirect", "https://insiders.vscode.dev/redirect", LOOPBACK],
  cursor: [
    "cursor://anysphere.cursor-mcp/oauth/callback",
    "https://www.cursor.com/agents/mcp/oauth/callback",
    LOOPBACK,
  ],
  loopback: [LOOPBACK],
} as const satisfies Record<string, readonly string[]>;
export type RedirectPreset = keyof typeof REDIRECT_PRESETS;
export const redirectPresetNames = Object.keys(REDIRECT_PRESETS) as RedirectPreset[];

export type AllowlistEntry =
  { kind: "exact"; uri: string } | { kind: "loopback" } | { kind: "prefix"; origin: string; pathPrefix: string };

const isPreset = (s: string): s is RedirectPreset => Object.prototype.hasOwnProperty.call(REDIRECT_PRESETS, s);

/** A prefix pattern's parts, or a problem. The `*` may only end a path of at least one segment. */
function parsePattern(raw: string): { origin: string; pathPrefix: string } | string {
  const star = raw.indexOf("*");
  if (star !== raw.length - 1 || !raw.endsWith("/*"))
    return "wildcards are not allowed, except one `*` ending a path prefix pattern (https://host/path/*)";
  let u: URL;
  try {
    u = new URL(raw.slice(0, -1));
  } catch {
    return `not a valid URI pattern: "${raw}"`;
  }
  if (u.protocol !== "https:") return "a prefix pattern must be https";
  if (u.username || u.password) return "must not contain credentials";
  if (u.search || u.hash || /[?#\\]/.test(raw)) return "a prefix pattern has no query or fragment";
  if (u.pathname === "/") return "wildcards are not allowed for a whole host: give a path prefix (https://host/path/*)";
  if (u.pathname !== /^https:\/\/[^/]+(\/.*)\*$/i.exec(raw)?.[1])
    return "a prefix pattern's path must be written normalised (no . or .. segments, no escapes)";
  return { origin: u.origin, pathPrefix: u.pathname };
}

/** Entries after preset expansion, or the first problem found (for the schema's message). */
export function parseAllowlistEntry(raw: string): AllowlistEntry[] | string {
  if (raw === LOOPBACK) return [{ kind: "loopback" }];
  if (isPreset(raw)) return REDIRECT_PRESETS[raw].flatMap((e) => parseAllowlistEntry(e) as AllowlistEntry[]);
  if (raw.includes("*")) {
    const p = parsePattern(raw);
    return typeof p === "string" ? p : [{ kind: "prefix", ...p }];
  }
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return /^[a-z]+$/.test(raw)
      ? `unknown preset "${raw}" (presets: ${redirectPresetNames.join(", ")})`
      : `not a valid URI: "${raw}"`;
  }
  if (["javascript:", "data:", "file:", "vbscript:"].includes(u.protocol)) return `scheme ${u.protocol} is not allowed`;
  if (u.hash || raw.includes("#")) return "must not contain a #fragment";
  return [{ kind: "exact", uri: raw }];
}
