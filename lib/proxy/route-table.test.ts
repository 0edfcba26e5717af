import { describe, expect, it } from "vitest";
import type { ConfigSnapshot, RuntimeProvider, RuntimeServer } from "../config/model";
import { serverSchema } from "../config/schema";
import { compileRoutes, compileUpstream, metadataRoute } from "./route-table";
import { hostedRoute, hostOwner } from "./host-routing";
import { parseTrustedProxies } from "../urls/trusted-proxies";

function server(input: Record<string, unknown>): RuntimeServer {
  const s = serverSchema.parse(input);
  return { ...s, effectivePath: s.path ?? `/servers/${s.name}/mcp` } as RuntimeServer;
}
const provider = {
  name: "kc",
  kind: "keycloak",
  issuer: "https://idp.example.com/realms/mcp",
  scopes: [],
  clockSkewSeconds: 60,
} as unknown as RuntimeProvider;
const snapshot = (servers: RuntimeServer[]): ConfigSnapshot => ({
  version: 7,
  loadedAt: 0,
  providers: new Map([["kc", provider]]),
  servers: new Map(servers.map((s) => [s.name, s])),
});

describe("compileRoutes", () => {
  const table = compileRoutes(
    snapshot([
      server({
        name: "a",
        upstream: "http://127.0.0.1:9001/mcp?x=1",
        oauth: { provider: "kc" },
        publicUrls: ["https://gw.example.com/prefix"],
      }),
      server({ name: "b", path: "/custom/b", upstream: "https://[::1]:8443/", auth: "passthrough" }),
      server({ name: "c", upstream: "http://u/mcp", auth: "none" }),
      server({ name: "d", upstream: "http://u/mcp", oauth: { provider: "missing" } }),
    ]),
    { PUBLIC_URL: "https://mcp.example.com/base" },
  );

  it("indexes MCP paths for O(1) lookup", () => {
    expect(table.version).toBe(7);
    expect(table.byPath.get("/servers/a/mcp")?.name).toBe("a");
    expect(table.byPath.get("/custom/b")?.mode).toBe("passthrough");
    expect(table.byPath.get("/servers/a/mcp/")).toBeUndefined();
  });

  it("indexes metadata paths, including the RFC 9728 forms for known prefixes; none for auth: none", () => {
    for (const p of [
      "/.well-known/oauth-protected-resource/servers/a/mcp",
      "/.well-known/oauth-protected-resource/prefix/servers/a/mcp",
      "/.well-known/oauth-protected-resource/base/servers/a/mcp",
    ])
      expect(table.byMetadataPath.get(p)?.name, p).toBe("a");
    expect(table.byMetadataPath.get("/.well-known/oauth-protected-resource/custom/b")?.name).toBe("b");
    expect(table.byMetadataPath.get("/.well-known/oauth-protected-resource/servers/c/mcp")).toBeUndefined();
  });

  it("finds metadata under a per-request prefix only when it is the request's own base prefix", () => {
    expect(metadataRoute(table, "/.well-known/oauth-protected-resource/fwd/servers/a/mcp", "/fwd/")?.name).toBe("a");
    expect(metadataRoute(table, "/.well-known/oauth-protected-resource/fwd/servers/a/mcp", "/")).toBeUndefined();
    expect(metadataRoute(table, "/.well-known/oauth-protected-resource/other/servers/a/mcp", "/fwd")).toBeUndefined();
  });

  it("fails closed on a missing provider and reports it", () => {
    expect(table.byPath.get("/servers/d/mcp")?.provider).toBeUndefined();
    expect(table.problems.join("\n")).toContain("provider missing is not configured");
  });

  it("rejects duplicate paths, keeping the first", () => {
    const t = compileRoutes(
      snapshot([
        server({ name: "x", path: "/p", upstream: "http://u", auth: "none" }),
        server({ name: "y", path: "/p", upstream: "http://u", auth: "none" }),
      ]),
      {},
    );
    expect(t.byPath.get("/p")?.name).toBe("x");
    expect(t.problems[0]).toContain("share path /p");
  });
});

describe("host-routed servers", () => {
  const hosted = (name: string, host: string) =>
    server({
      name,
      path: "/mcp",
      upstream: `http://${name}/mcp`,
      oauth: { provider: "kc" },
      publicUrls: [`https://${host}`],
      routing: "host",
    });
  const t = compileRoutes(
    snapshot([
      hosted("a", "a.example.com"),
      hosted("b", "b.example.com"),
      hosted("dup", "A.example.com"),
      server({ name: "plain", path: "/servers/plain/mcp", upstream: "http://u", oauth: { provider: "kc" } }),
    ]),
    {},
  );
  const facts = (host: string, headers: Record<string, string> = {}) => ({
    host,
    encrypted: false,
    peer: "10.0.0.9",
    headers: { host, ...headers },
  });
  const none = parseTrustedProxies([]);

  it("share a path; the request's host picks one, another host gets none", () => {
    expect(t.byPath.has("/mcp")).toBe(false);
    expect(t.byHostedPath.get("/mcp")?.map((r) => r.name)).toEqual(["a", "b"]);
    expect(t.problems.join("\n")).toContain("servers a and dup share path /mcp on host a.example.com; dup is ignored");
    expect(hostedRoute(t.byHostedPath.get("/mcp"), facts("b.example.com"), none)?.name).toBe("b");
    expect(hostedRoute(t.byHostedPath.get("/mcp"), facts("a.example.com:443"), none)?.name).toBe("a");
    expect(hostedRoute(t.byHostedPath.get("/mcp"), facts("c.example.com"), none)).toBeUndefined();
  });

  it("a forwarded host counts only from a trusted proxy", () => {
    const fwd = facts("gw.internal", { "x-forwarded-host": "b.example.com" });
    expect(hostedRoute(t.byHostedPath.get("/mcp"), fwd, none)).toBeUndefined();
    expect(hostedRoute(t.byHostedPath.get("/mcp"), fwd, parseTrustedProxies(["10.0.0.0/8"]))?.name).toBe("b");
  });

  it("the root metadata document belongs to the server owning the host", () => {
    expect(t.byHostedMetadataPath.get("/.well-known/oauth-protected-resource/mcp")).toHaveLength(2);
    expect(hostOwner(t, facts("a.example.com"), none)?.name).toBe("a");
    expect(hostOwner(t, facts("c.example.com"), none)).toBeUndefined();
  });
});

describe("compileUpstream", () => {
  it("parses host, port, path+query and the upstream's own metadata path", () => {
    expect(compileUpstream("http://127.0.0.1:9001/mcp?x=1")).toEqual({
      target: { protocol: "http:", host: "127.0.0.1:9001", hostname: "127.0.0.1", port: "9001" },
      path: "/mcp?x=1",
      metadataPath: "/.well-known/oauth-protected-resource/mcp",
    });
    const v6 = compileUpstream("https://[::1]/");
    expect(v6.target).toEqual({ protocol: "https:", host: "[::1]", hostname: "::1", port: "443" });
    expect(v6.metadataPath).toBe("/.well-known/oauth-protected-resource");
  });
});
