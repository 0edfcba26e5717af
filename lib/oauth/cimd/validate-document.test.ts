import { describe, expect, it } from "vitest";
import { validateClientMetadataDocument } from "./validate-document";
import { documentRedirectUri } from "./resolver";

const URL_ = "https://claude.ai/oauth/claude-code-client-metadata";
const doc = (o: Record<string, unknown> = {}) => ({
  client_id: URL_,
  client_name: "Claude Code",
  redirect_uris: ["http://localhost/callback", "http://127.0.0.1/callback"],
  grant_types: ["authorization_code", "refresh_token"],
  response_types: ["code"],
  token_endpoint_auth_method: "none",
  ...o,
});

describe("client ID metadata documents", () => {
  it("accepts a public client's document, keeping what registration keeps and ignoring the rest", () => {
    const d = validateClientMetadataDocument(
      doc({
        application_type: "native",
        client_uri: "https://claude.ai",
        token_endpoint_auth_methods_supported: ["none"],
      }),
      URL_,
    );
    expect(d).toEqual({
      clientId: URL_,
      clientName: "Claude Code",
      redirectUris: ["http://localhost/callback", "http://127.0.0.1/callback"],
      metadata: {
        redirect_uris: ["http://localhost/callback", "http://127.0.0.1/callback"],
        token_endpoint_auth_method: "none",
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        client_name: "Claude Code",
        client_uri: "https://claude.ai",
        application_type: "native",
      },
    });
  });

  it("a missing token_endpoint_auth_method means a public client", () => {
    const { token_endpoint_auth_method: _m, ...rest } = doc();
    expect(validateClientMetadataDocument(rest, URL_).metadata.token_endpoint_auth_method).toBe("none");
  });

  it.each([
    [[], "cimd_invalid_document", "not a JSON object"],
    [doc({ client_id: URL_ + "/" }), "cimd_client_id_mismatch", "must equal the document's URL exactly"],
    [doc({ client_id: undefined }), "cimd_client_id_mismatch", "names another client_id"],
    [doc({ redirect_uris: undefined }), "cimd_invalid_document", "redirect_uris"],
    [doc({ redirect_uris: [] }), "cimd_invalid_document", "at least one redirect URI"],
    [doc({ redirect_uris: ["javascript:alert(1)"] }), "cimd_invalid_document", "redirect_uris[0]"],
    [doc({ client_name: undefined }), "cimd_invalid_document", "client_name"],
    [doc({ client_name: " " }), "cimd_invalid_document", "client_name"],
    [doc({ client_secret: "s" }), "cimd_invalid_document", "client_secret"],
    [doc({ token_endpoint_auth_method: "client_secret_basic" }), "cimd_invalid_document", "shared secret"],
    [doc({ token_endpoint_auth_method: "private_key_jwt" }), "cimd_unsupported_client", "public clients only"],
    [doc({ grant_types: ["refresh_token"] }), "cimd_invalid_document", "authorization_code"],
    [doc({ response_types: ["token"] }), "cimd_invalid_document", "code"],
  ])("refuses %j", (body, code, why) => {
    expect(() => validateClientMetadataDocument(body, URL_)).toThrow(expect.objectContaining({ code }));
    expect(() => validateClientMetadataDocument(body, URL_)).toThrow(why);
  });

  it("the request's redirect_uri must be listed; loopback may use any port", () => {
    const d = validateClientMetadataDocument(doc(), URL_);
    expect(documentRedirectUri(d, "http://localhost:58135/callback")).toBe("http://localhost:58135/callback");
    expect(() => documentRedirectUri(d, "https://evil.example/callback")).toThrow(
      expect.objectContaining({ code: "cimd_redirect_uri_not_listed" }),
    );
    expect(() => documentRedirectUri(d, undefined)).toThrow("lists several");
    const one = validateClientMetadataDocument(doc({ redirect_uris: ["https://app.example/cb"] }), URL_);
    expect(documentRedirectUri(one, undefined)).toBe("https://app.example/cb");
  });
});
