/**
 * Classifies an IP address for the outbound-fetch (SSRF) policy. Pure and
 * network-free, without Node built-ins (config validation runs in the console's
 * browser bundle too). IPv6 forms that embed an IPv4 address (mapped, compatible,
 * NAT64, 6to4) are classified by the embedded address, so
 * `::ffff:169.254.169.254` is still the metadata service.
 */

export type AddressKind =
  | "public"
  | "loopback"
  | "private" // RFC 1918, ULA, CGNAT, site-local, benchmarking
  | "unspecified" // 0.0.0.0/8, :: — connect to the local host on Linux
  | "link_local"
  | "metadata" // cloud instance-metadata endpoints
  | "reserved" // multicast, broadcast, 240/4: never a legitimate HTTP peer
  | "invalid";

type V4Range = readonly [base: number, prefix: number, kind: AddressKind];

// Order matters: the first match wins, so specific entries come first.
const V4_RANGES: readonly V4Range[] = [
  [v4("169.254.169.254"), 32, "metadata"], // AWS, GCP, Azure, OpenStack, …
  [v4("100.100.100.200"), 32, "metadata"], // Alibaba Cloud
  [v4("0.0.0.0"), 8, "unspecified"],
  [v4("127.0.0.0"), 8, "loopback"],
  [v4("169.254.0.0"), 16, "link_local"],
  [v4("10.0.0.0"), 8, "private"],
  [v4("172.16.0.0"), 12, "private"],
  [v4("192.168.0.0"), 16, "private"],
  [v4("100.64.0.0"), 10, "private"], // carrier-grade NAT, also used inside clouds
  [v4("198.18.0.0"), 15, "private"], // benchmarking networks
  [v4("224.0.0.0"), 4, "reserved"], // multicast
  [v4("240.0.0.0"), 4, "reserved"], // reserved + broadcast
];

/** Metadata endpoints by name, blocked before any DNS lookup. */
const METADATA_HOSTNAMES = new Set(["metadata.google.internal", "metadata.goog", "metadata.azure.internal"]);

export function isMetadataHostname(hostname: string): boolean {
  return METADATA_HOSTNAMES.has(hostname.toLowerCase().replace(/\.$/, ""));
}

export function classifyAddress(address: string): AddressKind {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, ""); // brackets, IPv6 zone id
  if (isIPv4(ip)) return classifyV4(v4(ip));
  const v6 = canonicalV6(ip);
  if (v6 !== undefined) return classifyV6(parseV6(v6));
  return "invalid";
}

const V4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/** Dotted-quad IPv4, no leading zeros (as node:net's isIPv4). */
const isIPv4 = (s: string): boolean => V4_RE.test(s);

/** The WHATWG URL parser's serialization of an IPv6 literal (lower-case hex, `::`-compressed), or undefined. */
function canonicalV6(s: string): string | undefined {
  if (!s.includes(":") || /[^0-9a-fA-F:.]/.test(s)) return undefined;
  try {
    return new URL(`http://[${s}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
}

/**
 * The address a URL's host names, when it is an IP literal: `[::1]` → `::1`. URL hosts are already
 * canonical (`http://2852039166/` parses to 169.254.169.254), so no other spelling needs handling here.
 */
export function ipLiteralOf(hostname: string): string | undefined {
  const h = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  return isIPv4(h) || canonicalV6(h) !== undefined ? h : undefined;
}

function classifyV4(n: number): AddressKind {
  for (const [base, prefix, kind] of V4_RANGES) {
    if (prefix === 0 || n >>> (32 - prefix) === base >>> (32 - prefix)) return kind;
  }
  return "public";
}

function classifyV6(h: number[]): AddressKind {
  const [a, b, c, d, e, f, g, i] = h;
  const first96Zero = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  if (first96Zero && f === 0 && g === 0 && i === 0) return "unspecified"; // ::
  if (first96Zero && f === 0 && g === 0 && i === 1) return "loopback"; // ::1
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (deprecated compatible)
  if (first96Zero && (f === 0xffff || f === 0)) return classifyV4(embedded(g, i));
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) return classifyV4(embedded(g, i)); // NAT64
  if (a === 0x2002) return classifyV4(embedded(b, c)); // 6to4
  if (a === 0xfd00 && b === 0x0ec2 && c === 0 && d === 0 && e === 0 && f === 0 && g === 0 && i === 0x254)
    return "metadata"; // AWS IPv6
  if ((a & 0xffc0) === 0xfe80) return "link_local"; // fe80::/10
  if ((a & 0xffc0) === 0xfec0) return "private"; // fec0::/10 site-local (deprecated)
  if ((a & 0xfe00) === 0xfc00) return "private"; // fc00::/7 unique local
  if ((a & 0xff00) === 0xff00) return "reserved"; // multicast
  return "public";
}

function v4(s: string): number {
  const p = s.split(".").map(Number);
  return ((p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]) >>> 0;
}

const embedded = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;

/** Expands a canonical IPv6 literal (hex only, as canonicalV6 returns it) into 8 hextets. */
function parseV6(ip: string): number[] {
  const [head, rest] = ip.split("::") as [string, string | undefined];
  const parse = (part: string) => (part ? part.split(":").map((x) => parseInt(x, 16)) : []);
  const left = parse(head);
  const right = rest === undefined ? [] : parse(rest);
  const fill = 8 - left.length - right.length;
  return [...left, ...Array<number>(rest === undefined ? 0 : fill).fill(0), ...right];
}
