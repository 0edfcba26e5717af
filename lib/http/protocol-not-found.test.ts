import { describe, expect, it } from "vitest";
import type { RuntimeProvider, RuntimeServer } from "../config/model";
import { protocolNotFound } from "./protocol-not-found";

const provider = (name: string) =>
  ({ name, kind: "generic", issuer: `https://${name}.example.com` }) as unknown as RuntimeProvider;
const server = (
  name: string,
  auth: RuntimeServer["auth"],
  oauth?: RuntimeServer["oauth"],
  effectivePath = `/servers/${name}/mcp`,
) => ({ name, auth, oauth, effectivePath }) as unknown as RuntimeServer;
const config = {
  providers: new Map([
    ["direct-idp", provider("direct-idp")],
    ["proxy-idp", provider("proxy-idp")],
  ]),
  servers: new Map([
    ["open", server("open", "none")],
    ["d", server("d", "oauth", { provider: "direct-idp", mode: "direct" } as RuntimeServer["oauth"])],
    ["p", server("p", "oauth", { provider: "proxy-idp", mode: "proxy" } as RuntimeServer["oauth"])],
    ["custom", server("custom", "none", undefined, "/tools")],
  ]),
};
const why = (path: string) => protocolNotFound(path, config);

describe("protocolNotFound", () => {
  it("says why a resource has no metadata", () => {
    expect(why("/.well-known/oauth-protected-resource/servers/nope/mcp")).toBe(
      "no protected-resource metadata is published for /servers/nope/mcp: no virtual server with auth: oauth or passthrough has that path",
    );
    expect(why("/.well-known/oauth-protected-resource/servers/open/mcp")).toBe(
      'server "open" uses auth: none, so it publishes no protected-resource metadata for /servers/open/mcp',
    );
    expect(why("/.well-known/oauth-protected-resource")).toContain("published for /:");
  });

  it("says why a provider has no facade, in every facade spelling", () => {
    for (const path of [
      "/.well-known/oauth-authorization-server/oauth/nobody",
      "/.well-known/openid-configuration/oauth/nobody",
      "/oauth/nobody/.well-known/openid-configuration",
      "/oauth/nobody/register",
      "/oauth/nobody",
    ]) {
      expect(why(path), path).toBe(
        `no provider "nobody" is configured, so no authorization-server facade serves ${path}`,
      );
    }
    expect(why("/oauth/direct-idp/token")).toBe(
      'provider "direct-idp" has no authorization-server facade: no virtual server uses it with oauth.mode: proxy (in direct mode clients talk to the identity provider itself, https://direct-idp.example.com)',
    );
    expect(why("/oauth/proxy-idp/revoke")).toBe(
      'the facade of provider "proxy-idp" has no endpoint /oauth/proxy-idp/revoke: it serves /oauth/proxy-idp/authorize, /token, /register, /callback and its metadata',
    );
  });

  it("answers other well-known documents and the default MCP path", () => {
    expect(why("/.well-known/oauth-authorization-server")).toBe(
      "no document is published at /.well-known/oauth-authorization-server",
    );
    expect(why("/servers/nope/mcp")).toBe(
      "no MCP server is configured at /servers/nope/mcp: check the server's name, or its path if it sets one",
    );
    expect(why("/servers/nope/mcp/")).toMatch(/^no MCP server/);
    expect(why("/servers/open/mcp/")).toBe(
      'no MCP server is configured at /servers/open/mcp/: server "open" is at /servers/open/mcp, without the trailing slash',
    );
  });

  it("points a custom path with a trailing slash at the server", () => {
    expect(why("/tools/")).toBe(
      'no MCP server is configured at /tools/: server "custom" is at /tools, without the trailing slash',
    );
    expect(why("/tools/x/")).toBeUndefined();
  });

  it("leaves console pages, the admin API and everything else to the console", () => {
    for (const path of [
      "/",
      "/servers",
      "/servers/nope",
      "/servers/nope/edit",
      "/servers/a/b/mcp",
      "/providers/idp",
      "/login",
      "/api/servers/nope",
      "/oauthx/idp",
      "/_next/static/x.js",
    ]) {
      expect(why(path), path).toBeUndefined();
    }
  });
});
