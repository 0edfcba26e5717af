import { describe, expect, it } from "vitest";
import { buildHostRules, createHostGuard, hostAllowed, listenHostWarning } from "./allowed-hosts";
import { parseTrustedProxies } from "./trusted-proxies";

const none = parseTrustedProxies([]);
const loopback = parseTrustedProxies(["loopback"]);

describe("hostAllowed", () => {
  const rules = buildHostRules({
    allowedHosts: ["gw.example.org", ".corp.example"],
    publicUrl: "https://mcp.example.com/base",
    serverPublicUrls: ["https://a.example.net:8443", "http://[2001:db8::5]:3000"],
  });

  it("allows the configured names, any port, any case, a trailing dot", () => {
    for (const host of [
      "mcp.example.com",
      "MCP.Example.com:443",
      "mcp.example.com.",
      "a.example.net",
      "a.example.net:9999",
      "[2001:db8::5]:3000",
      "gw.example.org",
      "corp.example",
      "x.y.corp.example:3000",
    ])
      expect(hostAllowed(rules, host), host).toBe(true);
  });

  it("always allows loopback names", () => {
    for (const host of ["localhost:3000", "127.0.0.1", "127.0.0.2:8080", "[::1]:3000", "app.localhost"])
      expect(hostAllowed(rules, host), host).toBe(true);
  });

  it("refuses every other host, look-alikes and malformed values included", () => {
    for (const host of [
      "attacker.example",
      "mcp.example.com.attacker.example",
      "evilcorp.example",
      "notcorp.example",
      "10.0.0.5",
      "[::2]",
      "",
      "a b",
      "mcp.example.com/x",
      "user@mcp.example.com",
      "128.0.0.1",
    ])
      expect(hostAllowed(rules, host), host).toBe(false);
  });

  it("allows any host with *", () => {
    expect(hostAllowed(buildHostRules({ allowedHosts: ["*"], serverPublicUrls: [] }), "anything.example")).toBe(true);
  });
});

describe("createHostGuard", () => {
  const servers = new Map([["s", { publicUrls: ["https://a.example.com"] }]]);
  const req = (host: string | undefined, peer = "127.0.0.1", headers: Record<string, string> = {}) => ({
    headers: { ...(host === undefined ? {} : { host }), ...headers },
    socket: { remoteAddress: peer } as never,
  });

  it("checks the Host header, or a trusted proxy's forwarded host instead", () => {
    let snapshot = { servers };
    const guard = createHostGuard({ allowedHosts: [], trustedProxies: none, snapshot: () => snapshot });
    expect(guard.refusedHost(req("a.example.com"))).toBeUndefined();
    expect(guard.refusedHost(req("b.example.com"))).toBe("b.example.com");
    expect(guard.refusedHost(req(undefined))).toBeUndefined();
    // An untrusted peer's forwarded host is not what is checked: its Host is.
    expect(guard.refusedHost(req("127.0.0.1:3000", "127.0.0.1", { "x-forwarded-host": "evil.example" }))).toBe(
      undefined,
    );
    // A config reload with new public URLs takes effect at once.
    snapshot = { servers: new Map([["s", { publicUrls: ["https://b.example.com"] }]]) };
    expect(guard.refusedHost(req("b.example.com"))).toBeUndefined();
    expect(guard.refusedHost(req("a.example.com"))).toBe("a.example.com");

    const behindProxy = createHostGuard({ allowedHosts: [], trustedProxies: loopback, snapshot: () => ({ servers }) });
    expect(behindProxy.refusedHost(req("127.0.0.1:3000", "127.0.0.1", { "x-forwarded-host": "evil.example" }))).toBe(
      "evil.example",
    );
    expect(
      behindProxy.refusedHost(req("internal:3000", "127.0.0.1", { forwarded: 'host="a.example.com";proto=https' })),
    ).toBeUndefined();
  });
});

describe("listenHostWarning", () => {
  it("warns when listening beyond loopback without PUBLIC_URL or ALLOWED_HOSTS, naming the fix", () => {
    for (const HOST of ["0.0.0.0", "::", "192.168.1.10", "gateway.lan"]) {
      const w = listenHostWarning({ HOST, ALLOWED_HOSTS: [] });
      expect(w, HOST).toContain("PUBLIC_URL");
      expect(w, HOST).toContain("ALLOWED_HOSTS");
    }
  });

  it("is quiet on loopback, or when PUBLIC_URL or ALLOWED_HOSTS is set", () => {
    for (const HOST of ["127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"])
      expect(listenHostWarning({ HOST, ALLOWED_HOSTS: [] }), HOST).toBeUndefined();
    expect(listenHostWarning({ HOST: "0.0.0.0", PUBLIC_URL: "https://x.example", ALLOWED_HOSTS: [] })).toBeUndefined();
    expect(listenHostWarning({ HOST: "0.0.0.0", ALLOWED_HOSTS: ["x.example"] })).toBeUndefined();
  });
});
