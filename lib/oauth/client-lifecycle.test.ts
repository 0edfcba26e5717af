import { describe, expect, it } from "vitest";
import { createMemoryOAuthStore, type OAuthClientRecord } from "./store";
import { expireClients } from "./client-expiry";
import {
  expiryCutoffs,
  isExpired,
  lifecyclePolicyOf,
  registrationKey,
  type ClientLifecycleStore,
} from "./client-lifecycle";
import { IdpDeleteError } from "./idp-registration";

const DAY = 86_400_000;
const NOW = Date.parse("2026-12-07T12:00:00Z");

describe("client lifecycle policy", () => {
  it("defaults to 72 h for never-used and 90 days for idle clients, no de-duplication", () => {
    expect(lifecyclePolicyOf({})).toEqual({ unusedMs: 72 * 3600_000, idleMs: 90 * DAY, deduplicate: false });
    expect(
      lifecyclePolicyOf({
        clientRegistrations: { expireUnusedAfter: "30m", expireIdleAfter: "never", deduplicate: true },
      }),
    ).toEqual({ unusedMs: 1_800_000, idleMs: null, deduplicate: true });
  });

  it("a client expires unused after its creation, or idle after its last use", () => {
    const c = expiryCutoffs(lifecyclePolicyOf({}), NOW);
    expect(isExpired({ createdAt: new Date(NOW - 4 * DAY), lastUsedAt: null }, c)).toBe(true);
    expect(isExpired({ createdAt: new Date(NOW - 2 * DAY), lastUsedAt: null }, c)).toBe(false);
    expect(isExpired({ createdAt: new Date(NOW - 400 * DAY), lastUsedAt: new Date(NOW - 10 * DAY) }, c)).toBe(false);
    expect(isExpired({ createdAt: new Date(NOW - 400 * DAY), lastUsedAt: new Date(NOW - 91 * DAY) }, c)).toBe(true);
    expect(isExpired({ createdAt: new Date(0), lastUsedAt: null }, {})).toBe(false);
  });

  it("identical public registrations share a key whatever the order of their lists; confidential ones have none", () => {
    const a = {
      token_endpoint_auth_method: "none",
      redirect_uris: ["http://127.0.0.1/a", "http://127.0.0.1/b"],
      client_name: "X",
    };
    const b = {
      client_name: "X",
      redirect_uris: ["http://127.0.0.1/b", "http://127.0.0.1/a"],
      token_endpoint_auth_method: "none",
    };
    expect(registrationKey(a)).toBe(registrationKey(b));
    expect(registrationKey({ ...a, client_name: "Y" })).not.toBe(registrationKey(a));
    expect(registrationKey({ ...a, software_id: "s" })).not.toBe(registrationKey(a));
    expect(registrationKey({ ...a, token_endpoint_auth_method: "client_secret_basic" })).toBeUndefined();
  });
});

describe("expireClients", () => {
  it("deletes expired clients with their IdP clients; one the IdP cannot delete stays for the next pass", async () => {
    const store = createMemoryOAuthStore();
    const client = (id: string, idp?: string): OAuthClientRecord => ({
      clientId: id,
      providerName: "p",
      redirectUris: [],
      metadata: {},
      tokenEndpointAuthMethod: "none",
      createdAt: new Date(NOW - 10 * DAY),
      ...(idp ? { idpClientId: idp, idpRegistration: { uri: `https://idp/reg/${idp}`, tokenEnc: "enc" } } : {}),
    });
    await store.createClient(client("gone-here"));
    await store.createClient(client("gone-there", "up-1"));
    await store.createClient(client("idp-down", "up-2"));
    const deletedAtIdp: string[] = [];
    const lifecycle = {
      listExpired: async () => ["gone-here", "gone-there", "idp-down", "no-such-client"],
    } as unknown as ClientLifecycleStore;
    const r = await expireClients(
      {
        store,
        lifecycle,
        providerExists: () => true,
        decrypt: async () => "token",
        deleteIdpClient: async (reg) => {
          if (reg.uri.endsWith("up-2")) throw new IdpDeleteError("the call to the identity provider failed", true);
          deletedAtIdp.push(reg.uri);
          return "deleted";
        },
      },
      "p",
      lifecyclePolicyOf({}),
      NOW,
    );
    expect(r).toEqual({ expired: 2, failed: 1 });
    expect(deletedAtIdp).toEqual(["https://idp/reg/up-1"]);
    expect((await store.listClients("p", 10)).map((c) => c.clientId)).toEqual(["idp-down"]);
  });
});
