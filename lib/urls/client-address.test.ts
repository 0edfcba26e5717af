import { describe, expect, it } from "vitest";
import { clientAddress, rateLimitKey } from "./client-address";
import { parseTrustedProxies } from "./trusted-proxies";

const trusted = parseTrustedProxies(["10.0.0.0/8", "loopback"]);
const none = parseTrustedProxies([]);

describe("clientAddress", () => {
  it("is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says", () => {
    expect(clientAddress("203.0.113.9", "198.51.100.1", trusted)).toBe("203.0.113.9");
    expect(clientAddress("127.0.0.1", "198.51.100.1", none)).toBe("127.0.0.1");
    expect(clientAddress("10.0.0.5", undefined, trusted)).toBe("10.0.0.5");
    expect(clientAddress(undefined, "198.51.100.1", trusted)).toBeUndefined();
  });

  it("is the nearest untrusted hop behind trusted proxies; what the client wrote further left is ignored", () => {
    expect(clientAddress("10.0.0.5", "198.51.100.1", trusted)).toBe("198.51.100.1");
    // The client sent "X-Forwarded-For: 6.6.6.6"; the balancer appended the real address, then an internal proxy.
    expect(clientAddress("10.0.0.5", "6.6.6.6, 198.51.100.1, 10.1.2.3", trusted)).toBe("198.51.100.1");
    expect(clientAddress("10.0.0.5", ["6.6.6.6", "198.51.100.1"], trusted)).toBe("198.51.100.1");
  });

  it("reads ports, brackets and IPv4-mapped addresses", () => {
    expect(clientAddress("::ffff:10.0.0.5", "198.51.100.1:50123", trusted)).toBe("198.51.100.1");
    expect(clientAddress("::1", "[2001:db8::7]:443", trusted)).toBe("2001:db8::7");
    expect(clientAddress("::1", "2001:db8::7", trusted)).toBe("2001:db8::7");
    expect(clientAddress("::1", "::ffff:198.51.100.1", trusted)).toBe("198.51.100.1");
  });

  it("stops at the last hop it can vouch for when an entry is not an address", () => {
    expect(clientAddress("10.0.0.5", "unknown", trusted)).toBe("10.0.0.5");
    expect(clientAddress("10.0.0.5", "198.51.100.1, garbage, 10.1.2.3", trusted)).toBe("10.1.2.3");
    expect(clientAddress("10.0.0.5", "", trusted)).toBe("10.0.0.5");
  });

  it("is the leftmost hop when every hop is a trusted proxy", () => {
    expect(clientAddress("10.0.0.5", "10.9.9.9, 10.1.2.3", trusted)).toBe("10.9.9.9");
  });
});

describe("rateLimitKey", () => {
  it("keeps IPv4 addresses and keys IPv6 by /64, whatever the spelling", () => {
    expect(rateLimitKey("198.51.100.1")).toBe("198.51.100.1");
    expect(rateLimitKey("::ffff:198.51.100.1")).toBe("198.51.100.1");
    expect(rateLimitKey("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(rateLimitKey("2001:DB8:1:2:bbbb:0:0:9")).toBe("2001:db8:1:2::/64");
    expect(rateLimitKey("2001:db8:0:0::7")).toBe("2001:db8:0:0::/64");
    expect(rateLimitKey("2001:db8::7%eth0")).toBe("2001:db8:0:0::/64");
    expect(rateLimitKey("::1")).toBe("0:0:0:0::/64");
    expect(rateLimitKey("2001:db8:1:3::1")).not.toBe(rateLimitKey("2001:db8:1:2::1"));
    expect(rateLimitKey(undefined)).toBe("unknown");
  });
});
