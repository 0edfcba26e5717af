import { describe, expect, it } from "vitest";
import { isAppError } from "../errors";
import { deleteFacadeClient, listFacadeClients, type ClientAdminDeps } from "./clients-admin";
import { createMemoryOAuthStore, type OAuthClientRecord } from "./store";

const record = (clientId: string, providerName: string, extra: Partial<OAuthClientRecord> = {}): OAuthClientRecord => ({
  clientId,
  providerName,
  clientName: `${clientId} app`,
  redirectUris: ["http://127.0.0.1:5555/cb"],
  metadata: { client_name: `${clientId} app` },
  tokenEndpointAuthMethod: "none",
  createdAt: new Date(Date.UTC(2026, 0, 1)),
  ...extra,
});

async function setup(): Promise<ClientAdminDeps> {
  const store = createMemoryOAuthStore();
  await store.createClient(record("public", "kc"));
  await store.createClient(record("confidential", "kc", { clientSecretHash: "hash", upstreamClientId: "up-1", upstreamClientSecretEnc: "enc", createdAt: new Date(Date.UTC(2026, 0, 2)) }));
  await store.createClient(record("elsewhere", "auth0"));
  return { store, providerExists: (n) => n === "kc" || n === "auth0" || n === "empty" };
}

const code = (p: Promise<unknown>) => p.then(() => "ok", (e: unknown) => (isAppError(e) ? `${e.code}: ${e.message}` : String(e)));

describe("facade clients admin", () => {
  it("lists a provider's clients newest first, without any secret", async () => {
    const deps = await setup();
    const out = await listFacadeClients(deps, "kc");
    expect(out.total).toBe(2);
    expect(out.clients).toEqual([
      { clientId: "confidential", clientName: "confidential app", redirectUris: ["http://127.0.0.1:5555/cb"], tokenEndpointAuthMethod: "none", hasSecret: true, upstreamClientId: "up-1", createdAt: "2026-01-02T00:00:00.000Z" },
      { clientId: "public", clientName: "public app", redirectUris: ["http://127.0.0.1:5555/cb"], tokenEndpointAuthMethod: "none", hasSecret: false, upstreamClientId: null, createdAt: "2026-01-01T00:00:00.000Z" },
    ]);
    expect(JSON.stringify(out)).not.toMatch(/hash|enc"/);
    expect(await listFacadeClients(deps, "empty")).toEqual({ clients: [], total: 0 });
  });

  it("deletes a client with its consents and pending authorizations", async () => {
    const deps = await setup();
    await deps.store.saveConsent({ browserIdHash: "b", clientId: "public", providerName: "kc", scope: "" });
    await deps.store.createPending({ stateHash: "s", kind: "upstream", providerName: "kc", clientId: "public", redirectUri: "http://127.0.0.1:5555/cb", codeChallenge: "c", codeChallengeMethod: "S256", facadeIssuer: "http://gw/oauth/kc", expiresAt: new Date(Date.now() + 60_000) });
    await deleteFacadeClient(deps, "kc", "public", "test");
    expect(await deps.store.getClient("public")).toBeNull();
    expect(await deps.store.getConsent("b", "public")).toBeNull();
    expect(await deps.store.consumePending("s", "upstream", "kc", new Date())).toBeNull();
    expect((await listFacadeClients(deps, "kc")).clients.map((c) => c.clientId)).toEqual(["confidential"]);
  });

  it("answers not_found for an unknown provider or client, and never deletes another provider's client", async () => {
    const deps = await setup();
    expect(await code(listFacadeClients(deps, "nope"))).toBe('not_found: provider "nope" does not exist');
    expect(await code(deleteFacadeClient(deps, "kc", "missing", "test"))).toBe('not_found: provider "kc" has no registered client "missing"');
    expect(await code(deleteFacadeClient(deps, "kc", "elsewhere", "test"))).toBe('not_found: provider "kc" has no registered client "elsewhere"');
    expect(await deps.store.getClient("elsewhere")).not.toBeNull();
  });
});
