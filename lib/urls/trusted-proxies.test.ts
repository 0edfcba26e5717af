import { describe, expect, it } from "vitest";
import { isAppError } from "../errors";
import { parseTrustedProxies } from "./trusted-proxies";

describe("parseTrustedProxies", () => {
  it("trusts nobody when empty", () => {
    const t = parseTrustedProxies([]);
    expect(t.empty).toBe(true);
    expect(t.matches("127.0.0.1")).toBe(false);
    expect(parseTrustedProxies(["", "  "]).empty).toBe(true);
  });

  it("expands the word loopback to 127.0.0.0/8 and ::1, including IPv4-mapped peers", () => {
    const t = parseTrustedProxies(["loopback"]);
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(t.matches(a), a).toBe(true);
    for (const a of ["10.0.0.1", "::2", "::ffff:10.0.0.1", undefined]) expect(t.matches(a), String(a)).toBe(false);
  });

  it("matches single addresses and v4/v6 CIDRs", () => {
    const t = parseTrustedProxies(["10.1.2.3", "192.168.0.0/16", "2001:db8::/32", " fd00::1 "]);
    expect(t.matches("10.1.2.3")).toBe(true);
    expect(t.matches("10.1.2.4")).toBe(false);
    expect(t.matches("192.168.44.1")).toBe(true);
    expect(t.matches("::ffff:192.168.44.1")).toBe(true);
    expect(t.matches("2001:db8:1::5")).toBe(true);
    expect(t.matches("2001:db9::5")).toBe(false);
    expect(t.matches("fd00::1")).toBe(true);
    expect(t.matches("fe80::1%eth0")).toBe(false);
    expect(t.matches("not-an-ip")).toBe(false);
  });

  it("ignores IPv6 zone ids", () => {
    expect(parseTrustedProxies(["fe80::/10"]).matches("fe80::1%eth0")).toBe(true);
  });

  it("rejects bad entries with a validation error naming TRUSTED_PROXIES", () => {
    for (const bad of ["example.com", "10.0.0.0/33", "::/129", "10.0.0.0/x", "10.0.0.0/-1"]) {
      let err: unknown;
      try {
        parseTrustedProxies([bad]);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err), bad).toBe(true);
      expect((err as { fields: { path: string }[] }).fields[0].path).toBe("TRUSTED_PROXIES");
    }
  });
});
