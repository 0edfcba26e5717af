import { describe, expect, it } from "vitest";
import { documentFor, listServerUrls } from "./server-urls";

describe("listServerUrls (console live preview)", () => {
  it("lists every public URL set of a server: MCP URL, metadata URL, challenge, authorization server", () => {
    const sets = listServerUrls(
      {
        name: "fetcher",
        publicUrls: ["https://mcp.example.com", "https://internal.example.net/gw"],
        oauth: { provider: "kc", mode: "proxy", requiredScopes: ["read"] },
      },
      { publicUrl: "https://gw.example.com" },
    );
    expect(sets).toEqual([
      {
        source: "server_public_url",
        base: "https://mcp.example.com",
        mcpUrl: "https://mcp.example.com/servers/fetcher/mcp",
        metadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/servers/fetcher/mcp",
        authorizationServers: ["https://mcp.example.com/oauth/kc"],
        wwwAuthenticate:
          'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/servers/fetcher/mcp", scope="read"',
      },
      expect.objectContaining({
        mcpUrl: "https://internal.example.net/gw/servers/fetcher/mcp",
        metadataUrl: "https://internal.example.net/.well-known/oauth-protected-resource/gw/servers/fetcher/mcp",
      }),
      expect.objectContaining({ source: "public_url", mcpUrl: "https://gw.example.com/servers/fetcher/mcp" }),
    ]);
  });

  it("uses the request base when there is no PUBLIC_URL, and the IdP issuer in direct mode", () => {
    const [s] = listServerUrls(
      { name: "a", path: "/x", oauth: { provider: "kc", mode: "direct" } },
      { requestBase: "http://127.0.0.1:3000", provider: { name: "kc", issuer: "https://idp/realms/r" } },
    );
    expect(s).toMatchObject({
      source: "request",
      mcpUrl: "http://127.0.0.1:3000/x",
      authorizationServers: ["https://idp/realms/r"],
    });
  });

  it("does not list the request base for a server with public URLs (it is never used for it)", () => {
    const sets = listServerUrls(
      { name: "a", publicUrls: ["https://mcp.example.com"], oauth: { provider: "kc" } },
      { requestBase: "http://127.0.0.1:3000" },
    );
    expect(sets.map((s) => s.mcpUrl)).toEqual(["https://mcp.example.com/servers/a/mcp"]);
  });

  it("publishes no challenge for passthrough or none", () => {
    const [s] = listServerUrls({ name: "a", auth: "passthrough" }, { publicUrl: "https://gw.example.com" });
    expect(s.wwwAuthenticate).toBeUndefined();
  });

  it("documentFor builds the same document the proxy serves", () => {
    expect(documentFor({ name: "a", oauth: { provider: "kc" } }, undefined, new URL("https://gw.example.com"))).toEqual(
      {
        resource: "https://gw.example.com/servers/a/mcp",
        authorization_servers: ["https://gw.example.com/oauth/kc"],
        bearer_methods_supported: ["header"],
      },
    );
  });
});
