import { describe, expect, it } from "vitest";
import { looksLikeClientIdUrl, parseClientIdUrl } from "./client-id-url";

describe("client identifier URLs", () => {
  it("accepts the documents real clients publish", () => {
    for (const u of [
      "https://claude.ai/oauth/claude-code-client-metadata",
      "https://vscode.dev/oauth/client-metadata.json",
      "https://127.0.0.1:8443/clients/test.json",
    ])
      expect(parseClientIdUrl(u).href).toBe(u);
  });

  it.each([
    ["http://claude.ai/oauth/x", "must be an https URL"],
    ["https://claude.ai", "must have a path"],
    ["https://claude.ai/", "must have a path"],
    ["https://claude.ai/a/../b", "must not contain . or .. path segments"],
    ["https://claude.ai/a/%2E%2E/b", "must not contain . or .. path segments"],
    ["https://claude.ai/./b", "must not contain . or .. path segments"],
    ["https://claude.ai/doc#x", "must not contain a fragment"],
    ["https://user:pw@claude.ai/doc", "must not contain a user name or password"],
    ["https://claude.ai/a b", "characters not allowed"],
    ["https://claude.ai/a\\b", "characters not allowed"],
    ["https://" + "a".repeat(2000) + ".example/doc", "longer than"],
  ])("refuses %s", (u, why) => {
    expect(() => parseClientIdUrl(u)).toThrow(expect.objectContaining({ code: "cimd_invalid_url" }));
    expect(() => parseClientIdUrl(u)).toThrow(why);
  });

  it("only https client ids are metadata URLs; the gateway's own ids never are", () => {
    expect(looksLikeClientIdUrl("https://claude.ai/oauth/x")).toBe(true);
    expect(looksLikeClientIdUrl("pc_abc")).toBe(false);
    expect(looksLikeClientIdUrl("http://claude.ai/oauth/x")).toBe(false);
  });
});
