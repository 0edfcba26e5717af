/**
 * TRUSTED_PROXIES: IPs, CIDRs (v4 and v6) or the word `loopback`. Forwarding
 * headers are honoured only when the TCP peer matches.
 */
import { BlockList, isIP } from "node:net";

export type TrustedProxies = { matches(address: string | undefined): boolean; empty: boolean };

const unmapV4 = (a: string) => (a.startsWith("::ffff:") && isIP(a.slice(7)) === 4 ? a.slice(7) : a);

export function parseTrustedProxies(entries: string[]): TrustedProxies {
  const list = new BlockList();
  for (const raw of entries) {
    const e = raw.trim();
    if (!e) continue;
    if (e === "loopback") {
      list.addSubnet("127.0.0.0", 8, "ipv4");
      list.addAddress("::1", "ipv6");
      continue;
    }
    const [addr, bits] = e.split("/");
    const family = isIP(addr);
    if (!family) throw new Error(`TRUSTED_PROXIES: "${e}" is not an IP address, CIDR or "loopback"`);
    const type = family === 4 ? "ipv4" : "ipv6";
    if (bits === undefined) list.addAddress(addr, type);
    else {
      const n = Number(bits);
      if (!Number.isInteger(n) || n < 0 || n > (family === 4 ? 32 : 128)) throw new Error(`TRUSTED_PROXIES: bad prefix length in "${e}"`);
      list.addSubnet(addr, n, type);
    }
  }
  const empty = entries.every((e) => !e.trim());
  return {
    empty,
    matches(address) {
      if (empty || !address) return false;
      const a = unmapV4(address);
      const family = isIP(a);
      return family !== 0 && list.check(a, family === 4 ? "ipv4" : "ipv6");
    },
  };
}
