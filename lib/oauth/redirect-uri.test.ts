import { describe, expect, it } from "vitest";
import { checkRedirectUri, matchRedirectUri } from "./redirect-uri";

describe("checkRedirectUri (registration)", () => {
  it.each([
    "https://app.example.com/cb",
    "https://app.example.com/cb?x=1",
    "http://127.0.0.1:8080/cb",
    "http://[::1]:8080/cb",
    "http://localhost:6274/oauth/callback",
    "cursor://anysphere.cursor-mcp/oauth/callback",
    "com.example.app:/oauth2redirect",
  ])("accepts %s", (u) => expect(checkRedirectUri(u)).toBeUndefined());

  it.each([
    ["javascript:alert(1)", /javascript/],
    ["data:text/html,x", /data/],
    ["file:///etc/passwd", /file/],
    ["http://app.example.com/cb", /loopback/],
    ["https://*.example.com/cb", /wildcard/],
    ["https://app.example.com/cb#f", /fragment/],
    ["https://u:p@app.example.com/cb", /credentials/],
    ["/relative", /absolute/],
    ["https://app.example.com/a b", /characters/],
    [`https://app.example.com/${"a".repeat(2100)}`, /characters/],
  ])("refuses %s", (u, why) => expect(checkRedirectUri(u)).toMatch(why));

  it("refuses non-strings", () => expect(checkRedirectUri(42)).toBeDefined());
});

describe("matchRedirectUri (authorize)", () => {
  const registered = ["http://127.0.0.1:1234/cb", "https://app.example.com/cb?t=1", "http://[::1]:99/x"];
  it("matches exactly", () => {
    expect(matchRedirectUri("https://app.example.com/cb?t=1", registered)).toBe("https://app.example.com/cb?t=1");
  });
  it("lets loopback change only the port (RFC 8252 §7.3)", () => {
    expect(matchRedirectUri("http://127.0.0.1:5555/cb", registered)).toBe("http://127.0.0.1:1234/cb");
    expect(matchRedirectUri("http://127.0.0.1/cb", registered)).toBe("http://127.0.0.1:1234/cb");
    expect(matchRedirectUri("http://[::1]:1/x", registered)).toBe("http://[::1]:99/x");
  });
  it.each([
    "http://127.0.0.1:1234/cb/",
    "http://127.0.0.1:1234/cb?x",
    "http://127.0.0.1:1234/CB",
    "http://localhost:1234/cb",
    "https://127.0.0.1:1234/cb",
    "http://127.0.0.1:1234@evil.example/cb",
    "https://app.example.com:444/cb?t=1",
    "https://app.example.com/cb?t=2",
    "https://app.example.com/cb?t=1#x",
    "http://app.example.com/cb?t=1",
    "https://APP.example.com/cb?t=1",
    // A backslash is a "/" to URL parsers and browsers: the path would become /x/cb.
    "http://127.0.0.1:7890\\x/cb",
    "http://127.0.0.1:7890\\/cb",
    "http://127.0.0.1\\x/cb",
    "http://[::1]:1\\y/x",
    "http://127.0.0.1:1234/c%62",
    "http://127.0.0.1:1234 /cb",
    "http://127.0.0.1:12a4/cb",
  ])("does not match near-miss %s", (u) => expect(matchRedirectUri(u, registered)).toBeUndefined());
});
