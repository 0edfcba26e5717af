import { describe, expect, it } from "vitest";
import { compileAllowlist, redirectAllowed } from "./redirect-allowlist";
import { parseAllowlistEntry } from "../config/redirect-allowlist-entries";

const allowed = (uri: string, entries: string[]) => redirectAllowed(uri, compileAllowlist(entries));

describe("allowed redirect URIs", () => {
  it("exact entries match exactly", () => {
    expect(allowed("https://app.example.com/cb", ["https://app.example.com/cb"])).toBe(true);
    expect(allowed("https://app.example.com/cb2", ["https://app.example.com/cb"])).toBe(false);
    expect(allowed("https://app.example.com/cb?x=1", ["https://app.example.com/cb"])).toBe(false);
  });

  it("loopback entries: any port, and localhost, 127.0.0.1 and [::1] are one host", () => {
    const list = ["http://127.0.0.1/callback"];
    for (const u of ["http://127.0.0.1:4567/callback", "http://localhost:80/callback", "http://[::1]:9/callback"])
      expect(allowed(u, list), u).toBe(true);
    expect(allowed("http://localhost:4567/other", list)).toBe(false);
    expect(allowed("http://127.0.0.1:4567\\x/callback", list)).toBe(false);
    expect(allowed("http://evil.example/callback", list)).toBe(false);
  });

  it("presets name the callbacks of well-known clients", () => {
    expect(allowed("https://claude.ai/api/mcp/auth_callback", ["claude"])).toBe(true);
    expect(allowed("https://claude.com/api/mcp/auth_callback", ["claude"])).toBe(true);
    expect(allowed("https://claude.ai/api/mcp/other", ["claude"])).toBe(false);
    expect(allowed("https://insiders.vscode.dev/redirect", ["vscode"])).toBe(true);
    expect(allowed("http://127.0.0.1:33418/", ["vscode"])).toBe(true);
    expect(allowed("cursor://anysphere.cursor-mcp/oauth/callback", ["cursor"])).toBe(true);
    expect(allowed("http://localhost:5678/oauth/callback", ["cursor"])).toBe(true);
    expect(allowed("http://localhost:5678/oauth/callback", ["claude"])).toBe(false);
    expect(allowed("https://chatgpt.com/connector/oauth/abc123", ["chatgpt"])).toBe(true);
  });

  it("prefix patterns stay on their exact host and under their path", () => {
    const list = ["https://chatgpt.com/connector/oauth/*"];
    expect(allowed("https://chatgpt.com/connector/oauth/c_9f8e", list)).toBe(true);
    expect(allowed("https://chatgpt.com/connector/oauth/a/b", list)).toBe(true);
    for (const u of [
      "https://chatgpt.com/connector/oauth/",
      "https://chatgpt.com/connector/oauth",
      "https://chatgpt.com/connector/other",
      "https://chatgpt.com/connector/oauth/../../evil",
      "https://chatgpt.com/connector/oauth/%2e%2e/evil",
      "https://chatgpt.com/connector/oauth/x%2F..%2Fevil",
      "https://chatgpt.com/connector/oauth/x?next=https://evil.example",
      "https://chatgpt.com/connector/oauth/x#frag",
      "https://chatgpt.com:8443/connector/oauth/x",
      "http://chatgpt.com/connector/oauth/x",
      "https://evil.chatgpt.com/connector/oauth/x",
      "https://chatgpt.com.evil.example/connector/oauth/x",
      "https://user@chatgpt.com/connector/oauth/x",
      "https://chatgpt.com/connector/oauth/x\\..\\..\\evil",
    ])
      expect(allowed(u, list), u).toBe(false);
  });

  it("the schema's grammar: presets, exact URIs, patterns with a path prefix only", () => {
    expect(parseAllowlistEntry("claude")).toEqual([
      { kind: "exact", uri: "https://claude.ai/api/mcp/auth_callback" },
      { kind: "exact", uri: "https://claude.com/api/mcp/auth_callback" },
    ]);
    expect(parseAllowlistEntry("https://chatgpt.com/connector/oauth/*")).toEqual([
      { kind: "prefix", origin: "https://chatgpt.com", pathPrefix: "/connector/oauth/" },
    ]);
    expect(parseAllowlistEntry("claud")).toMatch(/unknown preset "claud" \(presets: claude, chatgpt, vscode, cursor/);
    expect(parseAllowlistEntry("https://app.example.com/*")).toMatch(/wildcard/);
    expect(parseAllowlistEntry("https://*.example.com/cb/*")).toMatch(/wildcard/);
    expect(parseAllowlistEntry("https://app.example.com/a*")).toMatch(/wildcard/);
    expect(parseAllowlistEntry("http://app.example.com/cb/*")).toMatch(/https/);
    expect(parseAllowlistEntry("https://app.example.com/a/../b/*")).toMatch(/normalised/);
    expect(parseAllowlistEntry("https://app.example.com/cb?x=1/*")).toMatch(/query/);
  });
});
