/**
 * Where the sign-in page goes once signed in: the `next` parameter when it is a same-origin
 * absolute path, else the servers list. Browsers drop tabs and newlines from URLs and read `\`
 * as `/`, so `/\t/evil.example` would leave the origin: any control character, space or
 * backslash refuses the value outright, then the normalised path must still be one path on
 * this origin (not `//host`).
 */
const BASE = "http://console.invalid";
const FALLBACK = "/servers";

export function safeNext(next: string | null | undefined): string {
  if (!next || next.length > 2048 || !next.startsWith("/") || /[\x00-\x20\x7f\\]/.test(next)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, BASE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== BASE || url.pathname.startsWith("//")) return FALLBACK;
  if (url.pathname === "/login" || url.pathname.startsWith("/login/")) return FALLBACK;
  return url.pathname + url.search + url.hash;
}
