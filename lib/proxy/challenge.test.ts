import { describe, expect, it } from "vitest";
import { buildWwwAuthenticate, quote, rejectionBody, safeDescription } from "./challenge";

const META = "https://mcp.example.com/.well-known/oauth-protected-resource/servers/a/mcp";

describe("buildWwwAuthenticate", () => {
  it("answers a missing token with resource_metadata only (no error, RFC 6750 §3.1)", () => {
    expect(buildWwwAuthenticate({ resourceMetadata: META })).toBe(`Bearer resource_metadata="${META}"`);
  });

  it("adds scope when the server requires scopes", () => {
    expect(buildWwwAuthenticate({ resourceMetadata: META, scope: ["read", "write"] })).toBe(
      `Bearer resource_metadata="${META}", scope="read write"`,
    );
  });

  it("describes a bad token with invalid_token and a description", () => {
    expect(
      buildWwwAuthenticate({
        resourceMetadata: META,
        error: "invalid_token",
        errorDescription: "The access token expired",
      }),
    ).toBe(`Bearer resource_metadata="${META}", error="invalid_token", error_description="The access token expired"`);
  });

  it("names the missing scopes on insufficient_scope", () => {
    const h = buildWwwAuthenticate({
      resourceMetadata: META,
      error: "insufficient_scope",
      errorDescription: "x",
      scope: "admin",
    });
    expect(h).toContain('error="insufficient_scope"');
    expect(h).toContain('scope="admin"');
  });

  it("escapes quotes and backslashes and never lets CR/LF through", () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    const h = buildWwwAuthenticate({
      resourceMetadata: 'x"\r\ny',
      error: "invalid_token",
      errorDescription: 'bad "token"\r\nSet-Cookie: a=b',
    });
    expect(h).not.toMatch(/[\r\n]/);
    expect(h).toContain('resource_metadata="x\\"y"');
    expect(h).toContain('error_description="bad  token   Set-Cookie: a=b"');
  });

  it("reduces descriptions to the RFC 6750 charset", () => {
    expect(safeDescription('é"\\\t')).toBe("    ");
  });
});

describe("rejectionBody", () => {
  it("renders the documented JSON body", () => {
    expect(rejectionBody({})).toEqual({ error: "unauthorized", error_description: "An access token is required" });
    expect(rejectionBody({ error: "invalid_token", errorDescription: "The access token expired" })).toEqual({
      error: "invalid_token",
      error_description: "The access token expired",
    });
  });
});
