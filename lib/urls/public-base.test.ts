import { describe, expect, it } from "vitest";
import { hostMatches, joinBase, resolvePublicBase, splitHost, urlString, type RequestFacts } from "./public-base";
import { parseTrustedProxies } from "./trusted-proxies";

const none = parseTrustedProxies([]);
const loopback = parseTrustedProxies(["loopback"]);

function facts(over: Partial<RequestFacts> & { headers?: RequestFacts["headers"] } = {}): RequestFacts {
  return { host: "127.0.0.1:3000", encrypted: false, peer: "127.0.0.1", headers: {}, ...over };
}
const href = (r: { base: URL }) => urlString(r.base);

describe("resolvePublicBase: order", () => {
  it("falls back to the request's own scheme and Host", () => {
    const r = resolvePublicBase(facts(), { trustedProxies: none });
    expect(r).toMatchObject({ source: "request" });
    expect(href(r)).toBe("http://127.0.0.1:3000");
    expect(href(resolvePublicBase(facts({ encrypted: true, host: "GW.Example.com" }), { trustedProxies: none }))).toBe(
      "https://gw.example.com",
    );
  });

  it("uses PUBLIC_URL over forwarding headers and the request", () => {
    const r = resolvePublicBase(facts({ headers: { "x-forwarded-host": "other.example" } }), {
      publicUrl: "https://mcp.example.com",
      trustedProxies: loopback,
    });
    expect(r.source).toBe("public_url");
    expect(href(r)).toBe("https://mcp.example.com");
  });

  it("uses the server's public URL whose host matches, over PUBLIC_URL", () => {
    const opts = {
      publicUrl: "https://mcp.example.com",
      trustedProxies: none,
      serverPublicUrls: ["https://internal.example.net", "https://ext.example.com/gw"],
    };
    const r = resolvePublicBase(facts({ host: "ext.example.com" }), opts);
    expect(r.source).toBe("server_public_url");
    expect(href(r)).toBe("https://ext.example.com/gw");
    expect(href(resolvePublicBase(facts({ host: "INTERNAL.example.net" }), opts))).toBe("https://internal.example.net");
    // no match: PUBLIC_URL
    expect(resolvePublicBase(facts({ host: "unknown.example" }), opts).source).toBe("public_url");
  });

  it("matches a public URL by hostname when the request carries no port, else by port too", () => {
    const opts = { trustedProxies: none, serverPublicUrls: ["https://first.example.com", "https://mcp.example.com"] };
    expect(href(resolvePublicBase(facts({ host: "mcp.example.com" }), opts))).toBe("https://mcp.example.com");
    expect(href(resolvePublicBase(facts({ host: "mcp.example.com:443" }), opts))).toBe("https://mcp.example.com");
    // No match: the first configured URL, never the request's own.
    expect(href(resolvePublicBase(facts({ host: "mcp.example.com:8443" }), opts))).toBe("https://first.example.com");
    expect(href(resolvePublicBase(facts({ host: "mcp.example.com.evil.test" }), opts))).toBe(
      "https://first.example.com",
    );
  });

  it("never uses the request's URL for a server with public URLs, unless the caller allows it", () => {
    const opts = { trustedProxies: none, serverPublicUrls: ["https://mcp.example.com"] };
    const r = resolvePublicBase(facts({ host: "127.0.0.1:3000" }), opts);
    expect(r.source).toBe("server_public_url");
    expect(href(r)).toBe("https://mcp.example.com");
    const loose = resolvePublicBase(facts({ host: "127.0.0.1:3000" }), { ...opts, requestFallback: true });
    expect(loose.source).toBe("request");
    expect(href(loose)).toBe("http://127.0.0.1:3000");
  });

  it("uses a trusted proxy's forwarded host to pick among several public URLs", () => {
    const opts = { trustedProxies: loopback, serverPublicUrls: ["https://a.example.com", "https://b.example.com"] };
    const r = resolvePublicBase(
      facts({ headers: { "x-forwarded-host": "b.example.com", "x-forwarded-proto": "https" } }),
      opts,
    );
    expect(href(r)).toBe("https://b.example.com");
  });

  it("picks the public URL whose path matches a trusted X-Forwarded-Prefix when one host has several", () => {
    const opts = { trustedProxies: loopback, serverPublicUrls: ["https://x.example.com/a", "https://x.example.com/b"] };
    expect(
      href(resolvePublicBase(facts({ host: "x.example.com", headers: { "x-forwarded-prefix": "/b/" } }), opts)),
    ).toBe("https://x.example.com/b");
    expect(href(resolvePublicBase(facts({ host: "x.example.com" }), opts))).toBe("https://x.example.com/a");
  });
});

describe("resolvePublicBase: forwarding headers", () => {
  const fwdHeaders = {
    "x-forwarded-proto": "https",
    "x-forwarded-host": "mcp.example.com",
    "x-forwarded-prefix": "/gw/",
  };

  it("honours X-Forwarded-Proto/Host/Prefix from a trusted peer", () => {
    const r = resolvePublicBase(facts({ headers: fwdHeaders }), { trustedProxies: loopback });
    expect(r.source).toBe("forwarded");
    expect(href(r)).toBe("https://mcp.example.com/gw");
  });

  it("ignores spoofed forwarding headers from an untrusted peer", () => {
    const spoof = { ...fwdHeaders, forwarded: "proto=https;host=evil.example" };
    for (const [peer, trusted] of [
      ["203.0.113.9", loopback],
      ["127.0.0.1", none],
      [undefined, loopback],
      ["::ffff:203.0.113.9", loopback],
    ] as const) {
      const r = resolvePublicBase(facts({ peer, headers: spoof }), { trustedProxies: trusted });
      expect(r.source).toBe("request");
      expect(href(r)).toBe("http://127.0.0.1:3000");
    }
  });

  it("does not let an untrusted peer's X-Forwarded-Host select a server public URL", () => {
    const r = resolvePublicBase(
      facts({ peer: "203.0.113.9", host: "127.0.0.1:3000", headers: { "x-forwarded-host": "mcp.example.com" } }),
      {
        trustedProxies: loopback,
        serverPublicUrls: ["https://first.example.com", "https://mcp.example.com"],
        requestFallback: true,
      },
    );
    expect(r.source).toBe("request");
    expect(href(r)).toBe("http://127.0.0.1:3000");
  });

  it("prefers Forwarded over X-Forwarded-* for the same field", () => {
    const r = resolvePublicBase(
      facts({
        headers: {
          forwarded: 'proto=https;host="a.example.com:8443"',
          "x-forwarded-host": "b.example.com",
          "x-forwarded-proto": "http",
        },
      }),
      {
        trustedProxies: loopback,
      },
    );
    expect(href(r)).toBe("https://a.example.com:8443");
  });

  it("applies X-Forwarded-Port when the forwarded host has no port, and drops default ports", () => {
    const t = { trustedProxies: loopback };
    expect(
      href(
        resolvePublicBase(
          facts({
            headers: { "x-forwarded-host": "a.example.com", "x-forwarded-port": "8443", "x-forwarded-proto": "https" },
          }),
          t,
        ),
      ),
    ).toBe("https://a.example.com:8443");
    expect(
      href(
        resolvePublicBase(
          facts({
            headers: { "x-forwarded-host": "a.example.com", "x-forwarded-port": "443", "x-forwarded-proto": "https" },
          }),
          t,
        ),
      ),
    ).toBe("https://a.example.com");
  });

  it("keeps the request host when only the proto is forwarded", () => {
    expect(
      href(
        resolvePublicBase(facts({ host: "gw.internal:8080", headers: { "x-forwarded-proto": "https" } }), {
          trustedProxies: loopback,
        }),
      ),
    ).toBe("https://gw.internal:8080");
  });

  it("handles IPv6 peers and hosts", () => {
    const t = parseTrustedProxies(["2001:db8::/32"]);
    const r = resolvePublicBase(
      facts({
        peer: "2001:db8::7",
        host: "[2001:db8::1]:3000",
        headers: { forwarded: 'host="[2001:db8::2]:8443";proto=https' },
      }),
      {
        trustedProxies: t,
      },
    );
    expect(href(r)).toBe("https://[2001:db8::2]:8443");
    expect(href(resolvePublicBase(facts({ peer: "::1", host: "[::1]:3000" }), { trustedProxies: none }))).toBe(
      "http://[::1]:3000",
    );
  });

  it("rejects invalid forwarded values and falls back to the request", () => {
    const t = { trustedProxies: loopback };
    for (const headers of [
      { "x-forwarded-proto": "javascript", "x-forwarded-host": "a.example.com" },
      { "x-forwarded-host": "a.example.com/evil" },
      { "x-forwarded-host": "a.example.com:99999" },
      { "x-forwarded-host": "user@a.example.com" },
      { "x-forwarded-host": "a.example.com", "x-forwarded-prefix": "/../admin" },
      { "x-forwarded-host": "a.example.com", "x-forwarded-prefix": "/a?b" },
    ]) {
      const r = resolvePublicBase(facts({ headers }), t);
      expect(r.source, JSON.stringify(headers)).toBe("request");
    }
  });
});

describe("resolvePublicBase: bad Host headers", () => {
  it("falls back to the local address when Host is missing or invalid", () => {
    for (const host of [undefined, "", "bad host", "a.example.com/x", "a@b"]) {
      const r = resolvePublicBase(facts({ host, localAddress: "127.0.0.1", localPort: 3000 }), {
        trustedProxies: none,
      });
      expect(href(r), String(host)).toBe("http://127.0.0.1:3000");
    }
    expect(href(resolvePublicBase(facts({ host: undefined }), { trustedProxies: none }))).toBe("http://localhost");
  });

  it("returns the same URL object for the same inputs (stable cache keys)", () => {
    const a = resolvePublicBase(facts(), { trustedProxies: none }).base;
    const b = resolvePublicBase(facts(), { trustedProxies: none }).base;
    expect(a).toBe(b);
  });
});

describe("helpers", () => {
  it("splitHost handles IPv6 and case", () => {
    expect(splitHost("[::1]:80")).toEqual({ hostname: "[::1]", port: "80" });
    expect(splitHost("[::1]")).toEqual({ hostname: "[::1]" });
    expect(splitHost("A.Example:1")).toEqual({ hostname: "a.example", port: "1" });
  });

  it("hostMatches compares hostnames exactly", () => {
    expect(hostMatches("[::1]:8080", new URL("http://[::1]:8080"))).toBe(true);
    expect(hostMatches("a.example.com", new URL("http://b.example.com"))).toBe(false);
  });

  it("joinBase joins prefixes without double slashes and urlString drops the root slash", () => {
    expect(joinBase(new URL("https://x.example/gw/"), "/a/b").href).toBe("https://x.example/gw/a/b");
    expect(urlString(new URL("https://x.example/"))).toBe("https://x.example");
  });
});
