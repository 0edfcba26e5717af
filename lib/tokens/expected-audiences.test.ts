import { describe, expect, it } from "vitest";
import { buildExpectedAudiences } from "./expected-audiences";

describe("buildExpectedAudiences", () => {
  const base = {
    serverName: "fetcher",
    providerName: "kc",
    clientId: "mcp-gateway",
    resourceUrls: [
      { url: "https://mcp.example.com/servers/fetcher/mcp", source: "public_url" as const },
      { url: "https://internal.example.com/servers/fetcher/mcp", source: "public_url" as const },
    ],
    audiences: ["api://fetcher", "https://mcp.example.com/servers/fetcher/mcp"],
  };

  it("lists every resource URL, then configured audiences, labelled and without duplicates", () => {
    const r = buildExpectedAudiences({ ...base, includeClientIdInAudience: false });
    expect(r.map((e) => [e.value, e.source])).toEqual([
      ["https://mcp.example.com/servers/fetcher/mcp", "public_url"],
      ["https://internal.example.com/servers/fetcher/mcp", "public_url"],
      ["api://fetcher", "configured"],
    ]);
    expect(r[0].detail).toBe("public URL https://mcp.example.com/servers/fetcher/mcp of server fetcher");
  });

  it("includes the provider's client id only when includeClientIdInAudience is on", () => {
    const r = buildExpectedAudiences({ ...base, includeClientIdInAudience: true });
    expect(r.find((e) => e.source === "client_id")).toMatchObject({
      value: "mcp-gateway",
      detail: expect.stringContaining("client id of provider kc"),
    });
    const none = buildExpectedAudiences({ ...base, clientId: undefined, includeClientIdInAudience: true });
    expect(none.some((e) => e.source === "client_id")).toBe(false);
  });
});
