import { describe, expect, it } from "vitest";
import { facadeIssuer, metadataUrl, resourceUrl } from "./resource-urls";

describe("resource URLs", () => {
  it("builds the resource identifier without a trailing slash", () => {
    expect(resourceUrl(new URL("https://mcp.example.com"), "/servers/fetcher/mcp")).toBe(
      "https://mcp.example.com/servers/fetcher/mcp",
    );
    expect(resourceUrl(new URL("https://mcp.example.com/"), "/servers/fetcher/mcp")).toBe(
      "https://mcp.example.com/servers/fetcher/mcp",
    );
    expect(resourceUrl(new URL("http://127.0.0.1:3000"), "/a")).toBe("http://127.0.0.1:3000/a");
  });

  it("keeps a base prefix and an IPv6 host", () => {
    expect(resourceUrl(new URL("https://gw.example.com/prefix/"), "/servers/x/mcp")).toBe(
      "https://gw.example.com/prefix/servers/x/mcp",
    );
    expect(resourceUrl(new URL("http://[::1]:8080"), "/servers/x/mcp")).toBe("http://[::1]:8080/servers/x/mcp");
  });

  it("inserts the well-known segment between host and path (RFC 9728 §3.1), prefix after it", () => {
    expect(metadataUrl(new URL("https://mcp.example.com"), "/servers/fetcher/mcp")).toBe(
      "https://mcp.example.com/.well-known/oauth-protected-resource/servers/fetcher/mcp",
    );
    expect(metadataUrl(new URL("https://gw.example.com/prefix"), "/servers/x/mcp")).toBe(
      "https://gw.example.com/.well-known/oauth-protected-resource/prefix/servers/x/mcp",
    );
    expect(metadataUrl(new URL("https://mcp.example.com:8443"), "/mcp")).toBe(
      "https://mcp.example.com:8443/.well-known/oauth-protected-resource/mcp",
    );
  });

  it("builds the facade issuer under the base", () => {
    expect(facadeIssuer(new URL("https://gw.example.com/prefix"), "kc")).toBe("https://gw.example.com/prefix/oauth/kc");
    expect(facadeIssuer(new URL("http://localhost:3000"), "kc")).toBe("http://localhost:3000/oauth/kc");
  });
});
