import { describe, expect, it } from "vitest";
import {
  asMetadataUrls,
  parseBearerChallenge,
  pathInserted,
  runSelftest,
  type HttpResult,
  type SelftestFetch,
} from "./index";

const pathInsertedUrl = (u: string) => pathInserted(u, "/.well-known/oauth-protected-resource");
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: new Headers(headers),
  body: JSON.stringify(body),
});

describe("client's-eye self-test", () => {
  it("parses a Bearer challenge with quoted and escaped values", () => {
    expect(
      parseBearerChallenge(
        'Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/a", error="invalid_token", error_description="a \\"b\\""',
      ),
    ).toEqual({
      resource_metadata: "https://x/.well-known/oauth-protected-resource/a",
      error: "invalid_token",
      error_description: 'a "b"',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
  });

  it("discovers the authorization server in the SDK's order", () => {
    expect(asMetadataUrls("https://gw.example.com/oauth/kc")).toEqual([
      "https://gw.example.com/.well-known/oauth-authorization-server/oauth/kc",
      "https://gw.example.com/.well-known/openid-configuration/oauth/kc",
      "https://gw.example.com/oauth/kc/.well-known/openid-configuration",
    ]);
    expect(asMetadataUrls("https://idp.example.com")).toEqual([
      "https://idp.example.com/.well-known/oauth-authorization-server",
      "https://idp.example.com/.well-known/openid-configuration",
    ]);
    expect(pathInserted("https://h/servers/a/mcp", "/.well-known/oauth-protected-resource")).toBe(
      "https://h/.well-known/oauth-protected-resource/servers/a/mcp",
    );
  });

  it("highlights the first broken step: resource differs from the MCP URL", async () => {
    const mcp = "https://mcp.example.com/servers/a/mcp";
    const md = "https://mcp.example.com/.well-known/oauth-protected-resource/servers/a/mcp";
    const fetch: SelftestFetch = async (url) => {
      if (url === mcp)
        return json(401, { error: "unauthorized" }, { "www-authenticate": `Bearer resource_metadata="${md}"` });
      if (url === md)
        return json(200, {
          resource: "http://internal:3000/servers/a/mcp",
          authorization_servers: ["https://mcp.example.com/oauth/kc"],
        });
      if (url === "https://mcp.example.com/.well-known/oauth-authorization-server/oauth/kc")
        return json(200, {
          issuer: "https://mcp.example.com/oauth/kc",
          code_challenge_methods_supported: ["S256"],
          registration_endpoint: "https://mcp.example.com/oauth/kc/register",
        });
      return json(404, {});
    };
    const r = await runSelftest({
      server: "a",
      publicBase: "https://mcp.example.com",
      loopback: "http://127.0.0.1:1",
      mcpUrl: mcp,
      fetch,
    });
    expect(r.ok).toBe(false);
    expect(r.firstFailure).toBe("resource");
    expect(r.steps.find((s) => s.id === "resource")).toMatchObject({
      expected: mcp,
      actual: "http://internal:3000/servers/a/mcp",
    });
    expect(r.steps.find((s) => s.id === "pkce")?.status).toBe("pass");
  });

  it("warns, naming the client, about layouts known to break Claude.ai and Claude Code", async () => {
    const run = async (mcp: string, as: string) => {
      const origin = new URL(mcp).origin;
      const md = pathInsertedUrl(mcp);
      const fetch: SelftestFetch = async (url) => {
        if (url === mcp) return json(401, {}, { "www-authenticate": `Bearer resource_metadata="${md}"` });
        if (url === md) return json(200, { resource: mcp, authorization_servers: [as] });
        if (url === asMetadataUrls(as)[0])
          return json(200, {
            issuer: as,
            code_challenge_methods_supported: ["S256"],
            registration_endpoint: `${as}/register`,
          });
        return json(404, {});
      };
      const r = await runSelftest({
        server: "a",
        publicBase: origin,
        loopback: "http://127.0.0.1:1",
        mcpUrl: mcp,
        fetch,
      });
      return Object.fromEntries(r.steps.filter((s) => s.id.startsWith("claude")).map((s) => [s.id, s]));
    };
    const pathLayout = await run("https://gw.example.com/servers/a/mcp", "https://gw.example.com/oauth/kc");
    expect(pathLayout.claude_ai_path).toMatchObject({ status: "warn", actual: "/servers/a/mcp" });
    expect(pathLayout.claude_ai_path.detail).toMatch(/Claude\.ai/);
    expect(pathLayout.claude_code_issuer).toMatchObject({ status: "warn", actual: "https://gw.example.com/oauth/kc" });
    expect(pathLayout.claude_code_issuer.detail).toMatch(/Claude Code/);
    const hostLayout = await run("https://tools.example.com/mcp", "https://auth.example.com");
    expect(hostLayout.claude_ai_path.status).toBe("pass");
    expect(hostLayout.claude_code_issuer.status).toBe("pass");
  });

  it("fails at the first step when the server answers without a token", async () => {
    const r = await runSelftest({
      server: "a",
      publicBase: "http://h",
      loopback: "http://127.0.0.1:1",
      mcpUrl: "http://h/servers/a/mcp",
      fetch: async () => json(200, {}),
    });
    expect(r.firstFailure).toBe("unauthenticated");
    expect(r.steps.slice(1).every((s) => s.status === "skip")).toBe(true);
  });
});
