import { describe, expect, it } from "vitest";
import type { FacadeContext, FacadeDeps } from "../context";
import { createMemoryOAuthStore } from "../store";
import type { ClientMetadataDocument } from "../cimd/validate-document";
import { cimdClientFor } from "./cimd-client";

const URL_ = "https://app.example.com/client.json";
const ctx = {
  // A pre-registered IdP client: nothing is registered at the IdP.
  provider: { name: "kc", kind: "keycloak", issuer: "https://sso.example.com/realms/mcp", clientId: "gw" },
  endpoint: (n: string) => `https://gw.example.com/oauth/kc/${n}`,
} as unknown as FacadeContext;

function setup() {
  let doc: ClientMetadataDocument = {
    clientId: URL_,
    clientName: "App",
    redirectUris: ["https://app.example.com/cb"],
    metadata: { client_name: "App", redirect_uris: ["https://app.example.com/cb"], token_endpoint_auth_method: "none" },
  };
  const store = createMemoryOAuthStore();
  const deps = {
    store,
    cimd: { resolve: async () => doc },
    now: () => 1_000_000,
    logger: { info() {}, warn() {}, debug() {}, error() {} },
  } as unknown as FacadeDeps;
  return { store, deps, change: (d: Partial<ClientMetadataDocument>) => (doc = { ...doc, ...d }) };
}

describe("clients known by their metadata document", () => {
  it("one record per provider and document URL, following the document; new redirect URIs forget consents", async () => {
    const t = setup();
    const first = await cimdClientFor(URL_, ctx, t.deps);
    expect(first.client.clientId).toBe(`${URL_}#kc`);
    expect(first.client.metadata.client_id).toBe(URL_);
    await t.store.saveConsent({
      browserIdHash: "b",
      clientId: first.client.clientId,
      providerName: "kc",
      scope: "",
      servers: [],
    });

    t.change({ clientName: "App 2" });
    const renamed = await cimdClientFor(URL_, ctx, t.deps);
    expect(renamed.client.clientName).toBe("App 2");
    expect(await t.store.getConsent("b", first.client.clientId)).not.toBeNull();

    t.change({ redirectUris: ["https://app.example.com/cb", "https://elsewhere.example/cb"] });
    const moved = await cimdClientFor(URL_, ctx, t.deps);
    expect(moved.client.redirectUris).toContain("https://elsewhere.example/cb");
    expect((await t.store.getClient(first.client.clientId))?.redirectUris).toContain("https://elsewhere.example/cb");
    expect(await t.store.getConsent("b", first.client.clientId)).toBeNull();
    expect(await t.store.listClients("kc", 10)).toHaveLength(1);
  });
});
