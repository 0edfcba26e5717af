import { describe, expect, it } from "vitest";
import { buildProtectedResourceMetadata, toSnakeCase } from "./metadata";

describe("buildProtectedResourceMetadata", () => {
  it("converts camelCase config to snake_case and omits empty fields", () => {
    const doc = buildProtectedResourceMetadata({
      resource: "https://mcp.example.com/servers/a/mcp",
      authorizationServers: ["https://idp.example.com/realms/mcp"],
      metadata: {
        resourceName: "A",
        scopesSupported: [],
        resourceDocumentation: "https://docs.example.com",
        resourcePolicyUri: undefined,
        resourceTosUri: "https://tos.example.com",
        extra: {},
      },
    });
    expect(doc).toEqual({
      resource: "https://mcp.example.com/servers/a/mcp",
      authorization_servers: ["https://idp.example.com/realms/mcp"],
      resource_name: "A",
      resource_documentation: "https://docs.example.com",
      resource_tos_uri: "https://tos.example.com",
      bearer_methods_supported: ["header"],
    });
  });

  it("merges extra as given but never lets anything replace the computed fields", () => {
    const doc = buildProtectedResourceMetadata({
      resource: "https://r",
      authorizationServers: ["https://as"],
      metadata: {
        extra: {
          resource: "https://evil",
          authorization_servers: ["https://evil"],
          dpop_bound_access_tokens_required: false,
          x: { y: 1 },
        } as Record<string, unknown>,
      },
    });
    expect(doc.resource).toBe("https://r");
    expect(doc.authorization_servers).toEqual(["https://as"]);
    expect(doc.dpop_bound_access_tokens_required).toBe(false);
    expect(doc.x).toEqual({ y: 1 });
  });

  it("falls back to the required scopes for scopes_supported and keeps configured bearer methods", () => {
    const doc = buildProtectedResourceMetadata({
      resource: "https://r",
      authorizationServers: [],
      requiredScopes: ["read"],
      metadata: { bearerMethodsSupported: ["header"] },
    });
    expect(doc.scopes_supported).toEqual(["read"]);
    expect(doc.authorization_servers).toBeUndefined();
  });

  it("snake-cases any camelCase key", () => {
    expect(toSnakeCase("resourcePolicyUri")).toBe("resource_policy_uri");
    expect(toSnakeCase("authorizationDetailsTypesSupported")).toBe("authorization_details_types_supported");
  });
});
