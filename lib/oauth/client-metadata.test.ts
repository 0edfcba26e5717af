import { describe, expect, it } from "vitest";
import { sha256 } from "../admin/tokens";
import { buildRegistration } from "./client-metadata";

const reg = (body: unknown, allowlist?: string[]) => buildRegistration(body, { providerName: "p", allowlist });

describe("buildRegistration (RFC 7591)", () => {
  it("registers a public client as MCP clients send it, ignoring unknown fields", () => {
    const r = reg({
      redirect_uris: ["http://localhost:3000/cb"],
      token_endpoint_auth_method: "none",
      client_name: "Inspector",
      grant_types: ["authorization_code", "refresh_token"],
      foo: "bar",
    });
    expect(r.response.client_id).toMatch(/^pc_/);
    expect(r.response.client_secret).toBeUndefined();
    expect(r.response.foo).toBeUndefined();
    expect(r.record.clientSecretHash).toBeUndefined();
    expect(r.record.redirectUris).toEqual(["http://localhost:3000/cb"]);
  });

  it("keeps and echoes application_type (2026-07-28) and ignores registered metadata it does not use", () => {
    const r = reg({
      redirect_uris: ["http://127.0.0.1:33418/"],
      token_endpoint_auth_method: "none",
      application_type: "native",
      jwks_uri: "https://app.example.com/jwks",
      post_logout_redirect_uris: ["https://app.example.com/bye"],
      software_statement: "eyJ...",
      token_endpoint_auth_methods_supported: ["none"],
    });
    expect(r.response.application_type).toBe("native");
    expect(r.record.metadata.application_type).toBe("native");
    expect(r.response).not.toHaveProperty("jwks_uri");
    expect(() => reg({ redirect_uris: ["https://a.example.com/cb"], application_type: "desktop" })).toThrow(
      expect.objectContaining({ error: "invalid_client_metadata" }),
    );
  });

  it("defaults to client_secret_basic and stores only the secret's hash", () => {
    const r = reg({ redirect_uris: ["https://a.example.com/cb"] });
    expect(r.response.token_endpoint_auth_method).toBe("client_secret_basic");
    expect(r.clientSecret).toEqual(expect.any(String));
    expect(r.record.clientSecretHash).toBe(sha256(r.clientSecret!));
    expect(r.response.client_secret_expires_at).toBe(0);
  });

  it.each([
    [{}, "invalid_redirect_uri"],
    [{ redirect_uris: [] }, "invalid_redirect_uri"],
    [{ redirect_uris: ["javascript:x"] }, "invalid_redirect_uri"],
    [{ redirect_uris: ["https://a.example.com/cb"], grant_types: ["implicit"] }, "invalid_client_metadata"],
    [{ redirect_uris: ["https://a.example.com/cb"], grant_types: ["refresh_token"] }, "invalid_client_metadata"],
    [{ redirect_uris: ["https://a.example.com/cb"], response_types: ["token"] }, "invalid_client_metadata"],
    [
      { redirect_uris: ["https://a.example.com/cb"], token_endpoint_auth_method: "private_key_jwt" },
      "invalid_client_metadata",
    ],
    [{ redirect_uris: ["https://a.example.com/cb"], client_name: "x".repeat(201) }, "invalid_client_metadata"],
    [{ redirect_uris: ["https://a.example.com/cb"], logo_uri: "javascript:alert(1)" }, "invalid_client_metadata"],
    [{ redirect_uris: ["https://a.example.com/cb"], scope: 'a "b' }, "invalid_client_metadata"],
    [[], "invalid_client_metadata"],
  ])("refuses %j with %s", (body, error) => {
    expect(() => reg(body)).toThrow(expect.objectContaining({ error }));
  });

  it("enforces the admin allowlist (loopback ports may vary)", () => {
    expect(() => reg({ redirect_uris: ["https://a.example.com/cb"] }, ["https://b.example.com/cb"])).toThrow(
      expect.objectContaining({ error: "invalid_redirect_uri" }),
    );
    expect(reg({ redirect_uris: ["http://127.0.0.1:999/cb"] }, ["http://127.0.0.1/cb"]).record.redirectUris).toEqual([
      "http://127.0.0.1:999/cb",
    ]);
  });
});
