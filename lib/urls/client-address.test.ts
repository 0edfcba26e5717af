import { describe, expect, it } from "vitest";
import { clientAddress } from "./client-address";
import { parseTrustedProxies } from "./trusted-proxies";

const trusted = parseTrustedProxies(["10.0.0.0/8", "loopback"]);
const none = parseTrustedProxies([]);
const xff = (v: string | string[]) => ({ "x-forwarded-for": v });

describe("clientAddress", () => {
  it("is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", xff("198.51.100.1"), trusted)).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", xff("198.51.100.1"), none)).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.5", {}, trusted)).toBe("10.0.0.5");
    expect(clientAddress(undefined, xff("198.51.100.1"), trusted)).toBeUndefined();
  });

  it("is the nearest untrusted hop behind trusted proxies; what the client wrote further left is ignored", () => {
    expect(clientAddress("10.0.0.5", xff("198.51.100.1"), trusted)).toBe("198.51.100.1");
    // The client sent "X-Forwarded-For: 6.6.6.6"; the balancer appended the real address, then an internal proxy.
    expect(clientAddress("10.0.0.5", xff("6.6.6.6, 198.51.100.1, 10.1.2.3"), trusted)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.5", xff(["6.6.6.6", "198.51.100.1"]), trusted)).toBe("198.51.100.1");
  });

  it("reads ports, brackets and IPv4-mapped addresses", () => {
    expect(clientAddress("::ffff:10.0.0.5", xff("198.51.100.1:50123"), trusted)).toBe("198.51.100.1");
    expect(clientAddress("::1", xff("[2001:db8::7]:443"), trusted)).toBe("2001:db8::7");
    expect(clientAddress("::1", xff("2001:db8::7"), trusted)).toBe("2001:db8::7");
    expect(clientAddress("::1", xff("::ffff:198.51.100.1"), trusted)).toBe("198.51.100.1");
  });

  it("stops at the last hop it can vouch for when an entry is not an address", () => {
    expect(clientAddress("10.0.0.5", xff("unknown"), trusted)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", xff("198.51.100.1, garbage, 10.1.2.3"), trusted)).toBe("10.1.2.3");
    expect(clientAddress("10.0.0.5", xff(""), trusted)).toBe("10.0.0.5");
  });

  it("is the leftmost hop when every hop is a trusted proxy", () => {
    expect(clientAddress("10.0.0.5", xff("10.9.9.9, 10.1.2.3"), trusted)).toBe("10.9.9.9");
  });

  it("reads RFC 7239 Forwarded for= values first, quoted IPv6 with ports included", () => {
    const h = { forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https, for=10.1.2.3', "x-forwarded-for": "198.51.100.1" };
    expect(clientAddress("10.0.0.5", h, trusted)).toBe("2001:db8:cafe::17");
    // An obfuscated or unknown node: stop at the last hop we can vouch for.
    expect(clientAddress("10.0.0.5", { forwarded: "for=_hidden, for=10.1.2.3" }, trusted)).toBe("10.1.2.3");
    // Forwarded without for=: X-Forwarded-For is used.
    expect(clientAddress("10.0.0.5", { forwarded: "proto=https", "x-forwarded-for": "198.51.100.1" }, trusted)).toBe("198.51.100.1");
    expect(clientAddress("203.0.113.9", { forwarded: "for=198.51.100.1" }, trusted)).toBe("203.0.113.9");
  });
});
