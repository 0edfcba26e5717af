import { describe, expect, it } from "vitest";
import { lastValue, parseForwarded, readForwarding } from "./forwarded";

describe("parseForwarded (RFC 7239)", () => {
  it("reads proto and host of a single element", () => {
    expect(parseForwarded("for=192.0.2.60;proto=HTTPS;host=mcp.example.com")).toEqual({
      proto: "https",
      host: "mcp.example.com",
    });
  });

  it("uses the last element: the one our trusted peer appended", () => {
    expect(parseForwarded("host=evil.example;proto=http, for=10.0.0.1;host=mcp.example.com;proto=https")).toEqual({
      proto: "https",
      host: "mcp.example.com",
    });
  });

  it("does not inherit parameters from earlier elements", () => {
    expect(parseForwarded("host=evil.example, for=10.0.0.1;proto=https")).toEqual({ proto: "https" });
  });

  it("unquotes values, including IPv6 hosts with ports and quoted commas", () => {
    expect(parseForwarded('for="[2001:db8::1]:4711";host="[2001:db8::2]:8443";proto=https')).toEqual({
      proto: "https",
      host: "[2001:db8::2]:8443",
    });
    expect(parseForwarded('for="a,b";host="x.example"')).toEqual({ host: "x.example" });
    expect(parseForwarded('host="we\\"ird"')).toEqual({ host: 'we"ird' });
  });

  it("is case-insensitive on parameter names and tolerates junk", () => {
    expect(parseForwarded("Proto=https;HOST=a.example")).toEqual({ proto: "https", host: "a.example" });
    expect(parseForwarded(";;,,=x;host")).toEqual({});
    expect(parseForwarded(undefined)).toEqual({});
  });
});

describe("readForwarding", () => {
  it("prefers Forwarded and fills gaps from X-Forwarded-*", () => {
    expect(
      readForwarding({
        forwarded: "for=1.2.3.4;host=a.example",
        "x-forwarded-proto": "https",
        "x-forwarded-host": "b.example",
        "x-forwarded-prefix": "/gw",
      }),
    ).toEqual({ proto: "https", host: "a.example", port: undefined, prefix: "/gw" });
  });

  it("takes the last value of comma-separated X-Forwarded-* headers", () => {
    expect(
      readForwarding({
        "x-forwarded-proto": "http, HTTPS",
        "x-forwarded-host": "evil.example, mcp.example.com",
        "x-forwarded-port": "443",
      }),
    ).toEqual({
      proto: "https",
      host: "mcp.example.com",
      port: "443",
      prefix: undefined,
    });
    expect(lastValue(["a", "b, c"])).toBe("c");
    expect(lastValue(" , ")).toBeUndefined();
  });
});
