import { describe, expect, it } from "vitest";
import { providerSchema } from "@/lib/config/schema";
import type { ProviderView } from "@/lib/config/model";
import { serverSchema } from "@/lib/config/schema";
import type { ServerView } from "@/lib/config/model";
import { providerFormSchema, providerFormValues } from "./values";
import { serverFormSchema, serverFormValues } from "../../servers/_form/values";

describe("console forms keep the MCP client settings", () => {
  it("a provider saved unchanged keeps facadeUrl, its CIMD policy and client expiry", () => {
    const stored = providerSchema.parse({
      name: "kc",
      issuer: "https://sso.example.com/realms/mcp",
      facadeUrl: "https://auth.example.com",
      clientIdMetadataDocuments: { enabled: true, allowedDomains: ["claude.ai"] },
      clientRegistrations: { expireUnusedAfter: "24h", expireIdleAfter: "never", deduplicate: true },
    });
    const body = providerFormSchema.parse(providerFormValues({ ...stored, clientSecretSet: false } as ProviderView));
    expect(body).toMatchObject({
      facadeUrl: "https://auth.example.com",
      clientIdMetadataDocuments: { enabled: true, allowedDomains: ["claude.ai"] },
      clientRegistrations: { expireUnusedAfter: "24h", expireIdleAfter: "never", deduplicate: true },
    });
  });

  it("defaults stay out of the body", () => {
    const stored = providerSchema.parse({ name: "kc", issuer: "https://sso.example.com/realms/mcp" });
    const body = providerFormSchema.parse(providerFormValues({ ...stored, clientSecretSet: false } as ProviderView));
    expect(body).not.toHaveProperty("clientIdMetadataDocuments");
    expect(body).not.toHaveProperty("clientRegistrations");
    expect(body).not.toHaveProperty("facadeUrl");
  });

  it("a server saved unchanged keeps routing: host", () => {
    const stored = serverSchema.parse({
      name: "tools",
      path: "/mcp",
      upstream: "http://127.0.0.1:9001/mcp",
      auth: "none",
      publicUrls: ["https://tools.example.com"],
      routing: "host",
    });
    const view = { ...stored, effectivePath: "/mcp", upstreamAuthValueSet: false } as ServerView;
    expect(serverFormSchema.parse(serverFormValues(view))).toMatchObject({ routing: "host" });
  });
});
