/**
 * How long a fetched metadata document may be reused: its HTTP caching headers
 * (RFC 9111: Cache-Control max-age, else Expires − Date, less Age), kept
 * within bounds. The floor stops a document that forbids caching from turning
 * every authorization into a fetch; the ceiling bounds how long a changed
 * document (new redirect URIs, a new name) takes to be seen.
 */
export const CIMD_CACHE_BOUNDS = { minMs: 60_000, maxMs: 24 * 3600_000, defaultMs: 3600_000 };

export function cacheLifetimeMs(headers: Headers, bounds = CIMD_CACHE_BOUNDS): number {
  const clamp = (ms: number) => Math.min(bounds.maxMs, Math.max(bounds.minMs, ms));
  const cc = (headers.get("cache-control") ?? "").toLowerCase();
  const directives = new Map(
    cc
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const i = d.indexOf("=");
        return i < 0
          ? [d, ""]
          : [
              d.slice(0, i).trim(),
              d
                .slice(i + 1)
                .trim()
                .replace(/^"|"$/g, ""),
            ];
      }),
  );
  if (directives.has("no-store") || directives.has("no-cache")) return bounds.minMs;
  const age = Number(headers.get("age") ?? "0");
  const ageMs = Number.isFinite(age) && age > 0 ? age * 1000 : 0;
  const maxAge = directives.get("max-age");
  if (maxAge !== undefined && /^\d+$/.test(maxAge)) return clamp(Number(maxAge) * 1000 - ageMs);
  const expires = Date.parse(headers.get("expires") ?? "");
  if (Number.isFinite(expires)) {
    const date = Date.parse(headers.get("date") ?? "");
    return clamp(expires - (Number.isFinite(date) ? date : Date.now()) - ageMs);
  }
  return bounds.defaultMs;
}
