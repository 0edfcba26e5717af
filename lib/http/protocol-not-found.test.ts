import { describe, expect, it } from "vitest";
import { protocolNotFound } from "./protocol-not-found";

describe("protocolNotFound", () => {
  it("names the resource whose metadata is missing", () => {
    expect(protocolNotFound("/.well-known/oauth-protected-resource/servers/nope/mcp")).toBe(
      "no protected-resource metadata is published for /servers/nope/mcp: no virtual server with auth: oauth or passthrough has that path",
    );
    expect(protocolNotFound("/.well-known/oauth-protected-resource")).toContain("published for /:");
  });

  it("names the provider whose facade is missing, in every facade spelling", () => {
    for (const path of [
      "/.well-known/oauth-authorization-server/oauth/idp",
      "/.well-known/openid-configuration/oauth/idp",
      "/oauth/idp/.well-known/openid-configuration",
      "/oauth/idp/register",
      "/oauth/idp",
    ]) {
      expect(protocolNotFound(path), path).toMatch(/^no authorization-server facade for provider "idp" serves /);
    }
    expect(protocolNotFound("/oauth/idp/token")).toContain("oauth.mode: proxy");
  });

  it("answers other well-known documents and the default MCP path", () => {
    expect(protocolNotFound("/.well-known/oauth-authorization-server")).toBe("no document is published at /.well-known/oauth-authorization-server");
    expect(protocolNotFound("/servers/nope/mcp")).toBe("no MCP server is configured at /servers/nope/mcp: check the server's name, or its path if it sets one");
    expect(protocolNotFound("/servers/nope/mcp/")).toMatch(/^no MCP server/);
  });

  it("leaves console pages, the admin API and everything else to the console", () => {
    for (const path of ["/", "/servers", "/servers/nope", "/servers/nope/edit", "/servers/a/b/mcp", "/providers/idp", "/login", "/api/servers/nope", "/oauthx/idp", "/_next/static/x.js"]) {
      expect(protocolNotFound(path), path).toBeUndefined();
    }
  });
});
