/**
 * Finds the bearer token of a request. Only the Authorization header counts
 * (RFC 6750 §2.1); a token in the query string (§2.3) is detected so the
 * caller can refuse it rather than silently ignore it.
 */
export type BearerResult = { kind: "none" } | { kind: "bearer"; token: string };

/** `Bearer <token>`, scheme case-insensitive. Other schemes (Basic…) count as no bearer token. */
export function bearerFromHeader(header: string | undefined): BearerResult {
  if (!header) return NONE;
  const h = header.trim();
  if (h.length < 7 || !isBearerScheme(h) || (h[6] !== " " && h[6] !== "\t")) return NONE;
  const token = h.slice(7).trim();
  // Anything after the scheme goes to the pipeline, which rejects malformed tokens with token_malformed.
  return { kind: "bearer", token };
}

const NONE: BearerResult = Object.freeze({ kind: "none" });

/** "bearer", any case, compared in place (no lower-cased copy per request). */
function isBearerScheme(h: string): boolean {
  for (let i = 0; i < 6; i++) if ((h.charCodeAt(i) | 0x20) !== "bearer".charCodeAt(i)) return false;
  return true;
}

/** True when the raw query carries `access_token` (any case of percent-encoding). */
export function hasQueryToken(search: string): boolean {
  if (!search || search.length < 2) return false;
  const lower = search.toLowerCase();
  if (!lower.includes("access_token") && !lower.includes("%")) return false;
  for (const key of new URLSearchParams(search).keys()) if (key.toLowerCase() === "access_token") return true;
  return false;
}
