/**
 * Redirect URIs: what a client may register (RFC 7591 + OAuth 2.1 §2.3.1 +
 * RFC 8252) and how a presented URI is matched against the registered ones.
 * Matching is exact string comparison, except that for loopback http URIs only
 * the port may differ (RFC 8252 §7.3: native apps pick a free port at run time).
 */
export const MAX_REDIRECT_URI_LENGTH = 2000;

/** Schemes that must never be redirect targets. */
const FORBIDDEN_SCHEMES = new Set([
  "javascript:",
  "data:",
  "file:",
  "vbscript:",
  "blob:",
  "about:",
  "filesystem:",
  "ftp:",
  "ws:",
  "wss:",
  "mailto:",
  "tel:",
]);
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

export const isLoopbackHost = (hostname: string) =>
  LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127(?:\.\d{1,3}){3}$/.test(hostname);

/**
 * Checks one redirect URI a client wants to register. Returns a problem
 * description, or undefined when acceptable:
 * - https URLs; http only on a loopback host (127.0.0.0/8, [::1], localhost);
 * - private-use schemes of native apps (`cursor://…`, `com.example.app:/cb`, RFC 8252 §7.1);
 * - never javascript:/data:/file:…, userinfo, a #fragment, or a `*` anywhere.
 */
export function checkRedirectUri(raw: unknown): string | undefined {
  if (typeof raw !== "string" || raw.length === 0) return "must be a non-empty string";
  if (raw.length > MAX_REDIRECT_URI_LENGTH) return `must be at most ${MAX_REDIRECT_URI_LENGTH} characters`;
  if (/[\s\u0000-\u001f\u007f<>"\\^`{|}]/.test(raw)) return "contains characters not allowed in a URI";
  if (raw.includes("*")) return "wildcards are not allowed";
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "is not an absolute URI";
  }
  const scheme = u.protocol.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) return `the ${scheme} scheme is not allowed`;
  if (raw.includes("#") || u.hash) return "must not contain a fragment";
  if (u.username || u.password) return "must not contain credentials";
  if (scheme === "https:") return u.hostname ? undefined : "has no host";
  if (scheme === "http:") {
    return isLoopbackHost(u.hostname)
      ? undefined
      : "http is only allowed for loopback hosts (127.0.0.1, [::1], localhost); use https";
  }
  // Private-use URI scheme (RFC 8252 §7.1): letters, digits, + . - only.
  if (!/^[a-z][a-z0-9+.-]*:$/.test(scheme)) return "has an invalid scheme";
  return undefined;
}

/**
 * Does `presented` match one of `registered`? Returns the registered URI it
 * matched (callers redirect to the presented one), or undefined.
 */
export function matchRedirectUri(presented: string, registered: readonly string[]): string | undefined {
  if (registered.includes(presented)) return presented;
  // The loopback rule compares strings, so the presented one must be a URI a browser reads the same
  // way: no `\` (which URL parsers read as `/`, moving text from the port into the path), no spaces.
  if (checkRedirectUri(presented)) return undefined;
  let p: URL;
  try {
    p = new URL(presented);
  } catch {
    return undefined;
  }
  if (p.protocol !== "http:" || !isLoopbackHost(p.hostname)) return undefined;
  for (const r of registered) {
    let q: URL;
    try {
      q = new URL(r);
    } catch {
      continue;
    }
    if (q.protocol !== "http:" || !isLoopbackHost(q.hostname)) continue;
    // Only the port may differ: compare everything else on the raw strings with the port removed,
    // and on the parsed URLs too, so that both readings agree.
    const raw = stripPort(presented, p);
    if (raw !== undefined && raw === stripPort(r, q) && p.pathname === q.pathname && p.search === q.search) return r;
  }
  return undefined;
}

/**
 * `http://127.0.0.1:1234/cb?x` → `http://127.0.0.1/cb?x`, on the raw string (no normalisation);
 * undefined when the authority is anything but the URL's host and an optional numeric port.
 */
function stripPort(raw: string, u: URL): string | undefined {
  const m = /^(http:\/\/)([^/?#]*)(.*)$/i.exec(raw);
  if (!m) return undefined;
  const hostPort = m[2];
  const host = hostPort.startsWith("[") ? hostPort.slice(0, hostPort.indexOf("]") + 1) : hostPort.split(":")[0];
  const port = hostPort.slice(host.length);
  if (host.toLowerCase() !== u.hostname.toLowerCase() || !/^(?::\d{0,5})?$/.test(port)) return undefined;
  return `${m[1].toLowerCase()}${host.toLowerCase()}${m[3]}`;
}
