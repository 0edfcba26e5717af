import { describe, expect, it } from "vitest";
import { buildBase } from "../urls/public-base";
import { compileOriginPolicy, originAllowed, trustworthyRequestOrigin } from "./origin";

const policy = compileOriginPolicy({
  publicUrls: ["https://mcp.example.com/prefix"],
  publicUrl: "https://gw.example.com",
  allowedOrigins: ["https://app.example.com"],
});
const base = (proto: string, host: string) => buildBase(proto, host)!;

describe("origin policy (DNS-rebinding protection)", () => {
  it("lets requests without Origin through (non-browser clients)", () => {
    expect(originAllowed(policy, undefined, undefined)).toBe(true);
  });

  it("allows public URL origins, PUBLIC_URL and allowedOrigins", () => {
    for (const o of [
      "https://mcp.example.com",
      "https://gw.example.com",
      "https://app.example.com",
      "HTTPS://APP.example.com",
    ])
      expect(originAllowed(policy, o, undefined), o).toBe(true);
  });

  it("refuses other origins, null and scheme/port variants", () => {
    for (const o of ["https://evil.example", "null", "http://mcp.example.com", "https://mcp.example.com:8443", ""])
      expect(originAllowed(policy, o, undefined), o).toBe(false);
  });

  it("trusts the request's own origin only from config, a trusted proxy, or an IP/localhost host", () => {
    expect(trustworthyRequestOrigin({ base: base("http", "127.0.0.1:3000"), source: "request" })).toBe(
      "http://127.0.0.1:3000",
    );
    expect(trustworthyRequestOrigin({ base: base("http", "[::1]:3000"), source: "request" })).toBe("http://[::1]:3000");
    expect(trustworthyRequestOrigin({ base: base("http", "localhost:3000"), source: "request" })).toBe(
      "http://localhost:3000",
    );
    // DNS rebinding: attacker.example resolves to us; Host and Origin agree, and prove nothing.
    expect(
      trustworthyRequestOrigin({ base: base("http", "attacker.example:3000"), source: "request" }),
    ).toBeUndefined();
    expect(trustworthyRequestOrigin({ base: base("https", "mcp.example.com"), source: "forwarded" })).toBe(
      "https://mcp.example.com",
    );
    expect(
      originAllowed(
        policy,
        "http://attacker.example:3000",
        trustworthyRequestOrigin({ base: base("http", "attacker.example:3000"), source: "request" }),
      ),
    ).toBe(false);
  });
});
