/**
 * The address of the client behind a request, for per-client rate limits. Behind
 * a load balancer the TCP peer is the balancer: keyed by it, every client would
 * share one bucket, and one noisy client would lock out everyone else.
 *
 * When the peer is in TRUSTED_PROXIES, X-Forwarded-For is read right to left:
 * each proxy appends the address it received the request from, so the entries
 * written by trusted proxies can be believed, and the first one that is not a
 * trusted proxy is the client. Entries further left were written by the client
 * and are never used. From any other peer the header is ignored.
 * (`Forwarded: for=` is not read: most balancers write only X-Forwarded-For and
 * pass a client's own `Forwarded` header through, so it could name any bucket.)
 */
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import { unmapV4, type TrustedProxies } from "./trusted-proxies";

export function clientAddress(
  peer: string | undefined,
  xff: string | string[] | undefined,
  trusted: TrustedProxies,
): string | undefined {
  if (peer === undefined || xff === undefined || !trusted.matches(peer)) return peer;
  const chain = (Array.isArray(xff) ? xff.join(",") : xff).split(",");
  let nearest = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    const a = plainAddress(chain[i]);
    // A hop our proxies would not write: stop at the last one we can vouch for.
    if (a === undefined) return nearest;
    if (!trusted.matches(a)) return a;
    nearest = a;
  }
  return nearest; // every hop is a trusted proxy: the request started at the leftmost one
}

/** `1.2.3.4`, `1.2.3.4:5678`, `::1`, `[::1]:5678`, `::ffff:1.2.3.4` → the IP; anything else → undefined. */
function plainAddress(entry: string): string | undefined {
  let s = entry.trim();
  if (s.startsWith("[")) {
    const end = s.indexOf("]");
    s = end < 0 ? "" : s.slice(1, end);
  } else if (s.indexOf(":") > 0 && s.indexOf(":") === s.lastIndexOf(":")) {
    s = s.slice(0, s.indexOf(":")); // IPv4 with a port
  }
  return isIP(s) ? unmapV4(s) : undefined;
}

/**
 * The key a per-client rate limit counts under: an IPv4 address as it is, an IPv6 address by its /64.
 * One IPv6 host usually holds a whole /64 and can rotate through it, so per-address buckets would not
 * limit it (and each address would add a row to the rate-limit table).
 */
export function rateLimitKey(address: string | undefined): string {
  if (address === undefined) return "unknown";
  const a = unmapV4(address.split("%")[0]);
  if (isIP(a) !== 6) return a;
  // The URL parser writes IPv6 in its one canonical form (lower case, dotted quads as hex, :: compressed).
  const canonical = new URL(`http://[${a}]/`).hostname.slice(1, -1);
  const [head, tail] = canonical.split("::");
  const left = head ? head.split(":") : [];
  const right = tail === undefined ? [] : tail ? tail.split(":") : [];
  const groups =
    tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill("0"), ...right];
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/** The rate-limit key of the client behind a request (its address past trusted proxies, IPv6 by /64). */
export function requestRateLimitKey(req: Pick<IncomingMessage, "socket" | "headers">, trusted: TrustedProxies): string {
  return rateLimitKey(clientAddress(req.socket.remoteAddress, req.headers["x-forwarded-for"], trusted));
}
