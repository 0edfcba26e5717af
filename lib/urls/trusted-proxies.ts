/**
 * TRUSTED_PROXIES: IPs, CIDRs (v4 and v6) or the word `loopback`. Forwarding
 * headers (Forwarded, X-Forwarded-*) are honoured only when the TCP peer
 * matches; from anyone else they are ignored, so a client cannot choose the
 * URLs the gateway advertises or the audiences it accepts.
 */
import { BlockList, isIP } from "node:net";
import { validationError } from "../config/field-errors";

export type TrustedProxies = { matches(address: string | undefined): boolean; empty: boolean };

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) → `10.0.0.1`. */
export const unmapV4 = (a: string) =>
  a.length > 7 && a.slice(0, 7).toLowerCase() === "::ffff:" && isIP(a.slice(7)) === 4 ? a.slice(7) : a;

/** `fe80::1%eth0` → `fe80::1`: BlockList does not understand zone ids. */
const stripZone = (a: string) => {
  const i = a.indexOf("%");
  return i < 0 ? a : a.slice(0, i);
};

export function parseTrustedProxies(entries: readonly string[]): TrustedProxies {
  const list = new BlockList();
  const errors: { path: string; message: string }[] = [];
  let count = 0;
  for (const raw of entries) {
    const e = raw.trim();
    if (!e) continue;
    if (e.toLowerCase() === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      count++;
      continue;
    }
    const slash = e.indexOf("/");
    const addr = unmapV4(stripZone(slash < 0 ? e : e.slice(0, slash)));
    const bits = slash < 0 ? undefined : e.slice(slash + 1);
    const family = isIP(addr);
    if (!family) {
      errors.push({ path: "TRUSTED_PROXIES", message: `"${e}" is not an IP address, a CIDR or "loopback"` });
      continue;
    }
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) {
      list.addAddress(addr, type);
    } else {
      const n = /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
      if (!Number.isInteger(n) || n < 0 || n > (family === 4 ? 32 : 128)) {
        errors.push({ path: "TRUSTED_PROXIES", message: `bad prefix length in "${e}"` });
        continue;
      }
      list.addSubnet(addr, n, type);
    }
    count++;
  }
  if (errors.length) throw validationError(errors, "environment");

  const empty = count === 0;
  // Peers repeat (keep-alive, one proxy in front): memoise the verdict per address string.
  const memo = new Map<string, boolean>();
  return {
    empty,
    matches(address) {
      if (empty || !address) return false;
      let v = memo.get(address);
      if (v === undefined) {
        const a = unmapV4(stripZone(address));
        const family = isIP(a);
        v = family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
        if (memo.size >= 1024) memo.clear();
        memo.set(address, v);
      }
      return v;
    },
  };
}
