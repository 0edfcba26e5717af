/**
 * Reads what a reverse proxy says about the client-facing request: RFC 7239
 * `Forwarded` first, then the de-facto `X-Forwarded-Proto/Host/Port/Prefix`.
 * Callers must only use this for a peer in TRUSTED_PROXIES.
 *
 * When a header holds several values (a chain of proxies appending), the LAST
 * one is used: it was written by our immediate peer, the only proxy we trust.
 * Earlier values may have been supplied by the client.
 */
export type ForwardedInfo = { proto?: string; host?: string; port?: string; prefix?: string };

type Headers = Record<string, string | string[] | undefined>;

const joined = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(",") : v);

/** Last comma-separated value of a header, trimmed; undefined when empty. */
export function lastValue(v: string | string[] | undefined): string | undefined {
  const s = joined(v);
  if (!s) return undefined;
  const i = s.lastIndexOf(",");
  return (i < 0 ? s : s.slice(i + 1)).trim() || undefined;
}

/**
 * RFC 7239 §4: `Forwarded: for=1.2.3.4;proto=https;host="a.example:8443", for=…`.
 * Returns the parameters of the last element. Quoted strings may contain `,`
 * and `;`, so this is a tiny tokenizer rather than a split.
 */
export function parseForwarded(value: string | undefined): { proto?: string; host?: string } {
  if (!value) return {};
  let params: Record<string, string> = {};
  let i = 0;
  const n = value.length;
  while (i < n) {
    // key
    while (i < n && (value[i] === " " || value[i] === "\t")) i++;
    const keyStart = i;
    while (i < n && value[i] !== "=" && value[i] !== ";" && value[i] !== ",") i++;
    const key = value.slice(keyStart, i).trim().toLowerCase();
    let val = "";
    if (value[i] === "=") {
      i++;
      if (value[i] === '"') {
        i++;
        while (i < n && value[i] !== '"') {
          if (value[i] === "\\" && i + 1 < n) i++;
          val += value[i++];
        }
        i++; // closing quote
        while (i < n && value[i] !== ";" && value[i] !== ",") i++;
      } else {
        const vStart = i;
        while (i < n && value[i] !== ";" && value[i] !== ",") i++;
        val = value.slice(vStart, i).trim();
      }
    }
    if (key) params[key] = val;
    if (value[i] === ",") params = {}; // a new element starts: only the last one counts
    i++;
  }
  const out: { proto?: string; host?: string } = {};
  if (params.proto) out.proto = params.proto.toLowerCase();
  if (params.host) out.host = params.host;
  return out;
}

/** Forwarded values first, gaps filled from X-Forwarded-*. */
export function readForwarding(headers: Headers): ForwardedInfo {
  const fwd = headers["forwarded"] === undefined ? {} : parseForwarded(joined(headers["forwarded"]));
  return {
    proto: fwd.proto ?? lastValue(headers["x-forwarded-proto"])?.toLowerCase(),
    host: fwd.host ?? lastValue(headers["x-forwarded-host"]),
    port: lastValue(headers["x-forwarded-port"]),
    prefix: lastValue(headers["x-forwarded-prefix"]),
  };
}
