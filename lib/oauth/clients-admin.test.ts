import { describe, expect, it } from "vitest";
import { isAppError } from "../errors";
import {
  cleanUpBeforeProviderDeletes,
  deleteFacadeClient,
  deleteProviderIdpClients,
  keepIdpClientsParam,
  listFacadeClients,
  type ClientAdminDeps,
} from "./clients-admin";
import { createMemoryOAuthStore, type OAuthClientRecord } from "./store";
import { createMemoryLifecycleStore } from "./client-lifecycle";
import { IdpDeleteError, type IdpDeleteResult, type IdpRegistration } from "./idp-registration";

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

/** The IdP side: what each DELETE at a registration URI answers, and the calls it got. */
type FakeIdp = { answer: () => Promise<IdpDeleteResult>; calls: IdpRegistration[] };

async function setup(
  idp: FakeIdp = { answer: async () => "deleted", calls: [] },
): Promise<ClientAdminDeps & { now: () => number }> {
  const store = createMemoryOAuthStore();
  await store.createClient(record("public", "kc"));
  await store.createClient(
    record("confidential", "kc", {
      clientSecretHash: "hash",
      idpClientId: "up-1",
      idpClientSecretEnc: "enc",
      createdAt: new Date(Date.UTC(2026, 0, 2)),
    }),
  );
  await store.createClient(
    record("managed", "std", {
      idpClientId: "up-2",
      idpRegistration: { uri: "https://idp.example/reg/up-2", tokenEnc: "enc:rat-2" },
    }),
  );
  await store.createClient(record("elsewhere", "auth0"));
  const providers = ["kc", "auth0", "std", "empty"];
  return {
    store,
    lifecycle: createMemoryLifecycleStore(store, providers),
    now: () => Date.UTC(2026, 0, 3),
    providerExists: (n) => providers.includes(n),
    decrypt: async (enc) => {
      if (!enc.startsWith("enc:")) throw new Error("bad ciphertext");
      return enc.slice(4);
    },
    deleteIdpClient: (reg) => {
      idp.calls.push(reg);
      return idp.answer();
    },
  };
}

const code = (p: Promise<unknown>) =>
  p.then(
    () => "ok",
    (e: unknown) => (isAppError(e) ? `${e.code}: ${e.message}` : String(e)),
  );

describe("facade clients admin", () => {
  it("lists a provider's clients newest first, without any secret", async () => {
    const deps = await setup();
    const out = await listFacadeClients(deps, "kc");
    expect(out.total).toBe(2);
    expect(out.clients).toEqual([
      {
        clientId: "confidential",
        kind: "registered",
        clientName: "confidential app",
        redirectUris: ["http://127.0.0.1:5555/cb"],
        tokenEndpointAuthMethod: "none",
        hasSecret: true,
        idpClientId: "up-1",
        idpDeletable: false,
        createdAt: "2026-01-02T00:00:00.000Z",
        lastUsedAt: null,
        expired: false,
      },
      {
        clientId: "public",
        kind: "registered",
        clientName: "public app",
        redirectUris: ["http://127.0.0.1:5555/cb"],
        tokenEndpointAuthMethod: "none",
        hasSecret: false,
        idpClientId: null,
        idpDeletable: false,
        createdAt: "2026-01-01T00:00:00.000Z",
        lastUsedAt: null,
        expired: false,
      },
    ]);
    expect(JSON.stringify(out)).not.toMatch(/hash|enc"/);
    expect(await listFacadeClients(deps, "empty")).toEqual({ clients: [], total: 0, neverUsed: 0, expired: 0 });
  });

  it("lists document clients beside registered ones, with last use, and the never-used and expired counts", async () => {
    const deps = await setup();
    await deps.store.createClient(record("https://vscode.dev/oauth/client-metadata.json", "kc"));
    await deps.lifecycle.markUsed("public", new Date(Date.UTC(2026, 0, 2, 6)));
    deps.now = () => Date.UTC(2026, 0, 6); // 72 h after the others were created: never-used ones expired
    const out = await listFacadeClients(deps, "kc");
    expect(out.clients.map((c) => [c.clientId, c.kind, c.lastUsedAt, c.expired])).toEqual([
      ["confidential", "registered", null, true],
      ["public", "registered", "2026-01-02T06:00:00.000Z", false],
      ["https://vscode.dev/oauth/client-metadata.json", "metadata_document", null, true],
    ]);
    expect(out).toMatchObject({ total: 3, neverUsed: 2, expired: 2 });
  });

  it("deletes a client with its consents and pending authorizations", async () => {
    const deps = await setup();
    await deps.store.saveConsent({
      browserIdHash: "b",
      clientId: "public",
      providerName: "kc",
      scope: "",
      servers: [],
    });
    await deps.store.createPending({
      stateHash: "s",
      kind: "idp",
      providerName: "kc",
      clientId: "public",
      redirectUri: "http://127.0.0.1:5555/cb",
      codeChallenge: "c",
      codeChallengeMethod: "S256",
      facadeIssuer: "http://gw/oauth/kc",
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect((await deleteFacadeClient(deps, "kc", "public", { actor: "test" })).idp.status).toBe("none");
    expect(await deps.store.getClient("public")).toBeNull();
    expect(await deps.store.getConsent("b", "public")).toBeNull();
    expect(await deps.store.consumePending("s", "idp", "kc", new Date())).toBeNull();
    expect((await listFacadeClients(deps, "kc")).clients.map((c) => c.clientId)).toEqual(["confidential"]);
  });

  it("answers not_found for an unknown provider or client, and never deletes another provider's client", async () => {
    const deps = await setup();
    expect(await code(listFacadeClients(deps, "nope"))).toBe('not_found: provider "nope" does not exist');
    expect(await code(deleteFacadeClient(deps, "kc", "missing", { actor: "test" }))).toBe(
      'not_found: provider "kc" has no registered client "missing"',
    );
    expect(await code(deleteFacadeClient(deps, "kc", "elsewhere", { actor: "test" }))).toBe(
      'not_found: provider "kc" has no registered client "elsewhere"',
    );
    expect(await deps.store.getClient("elsewhere")).not.toBeNull();
  });

  it("deletes the IdP client at the IdP first (RFC 7592), with the decrypted registration token", async () => {
    const idp: FakeIdp = { answer: async () => "deleted", calls: [] };
    const deps = await setup(idp);
    const out = await deleteFacadeClient(deps, "std", "managed", { actor: "test" });
    expect(out).toEqual({
      deleted: "managed",
      idp: { status: "deleted", clientId: "up-2", message: 'The identity provider\'s client "up-2" was deleted too.' },
    });
    expect(idp.calls).toEqual([{ uri: "https://idp.example/reg/up-2", token: "rat-2" }]);
    expect(await deps.store.getClient("managed")).toBeNull();
  });

  it("keeps the client when the IdP fails, and deletes it here only when asked to keep the upstream one", async () => {
    const answers = [
      new IdpDeleteError("the identity provider answered HTTP 503", true),
      new IdpDeleteError("the identity provider answered HTTP 405 (it does not support deleting clients)", false),
    ];
    const idp: FakeIdp = { answer: async () => Promise.reject(answers.shift()), calls: [] };
    const deps = await setup(idp);
    expect(await code(deleteFacadeClient(deps, "std", "managed", { actor: "test" }))).toBe(
      'idp_unavailable: the identity provider\'s client "up-2" was not deleted: the identity provider answered HTTP 503. Nothing was deleted; retry, or delete the client here only (keep it at the IdP) and remove it there yourself',
    );
    // A refusal that a retry cannot change: the message does not suggest one.
    expect(await code(deleteFacadeClient(deps, "std", "managed", { actor: "test" }))).toBe(
      'idp_unavailable: the identity provider\'s client "up-2" was not deleted: the identity provider answered HTTP 405 (it does not support deleting clients). Nothing was deleted; delete the client here only (keep it at the IdP) and remove it there yourself',
    );
    expect(await deps.store.getClient("managed")).not.toBeNull();

    const kept = await deleteFacadeClient(deps, "std", "managed", { actor: "test", keepIdpClients: true });
    expect(kept.idp).toMatchObject({ status: "kept", clientId: "up-2" });
    expect(idp.calls).toHaveLength(2);
    expect(await deps.store.getClient("managed")).toBeNull();
  });

  it("lets an unexpected error through as it is, not as the IdP's failure", async () => {
    const deps = await setup({ answer: async () => Promise.reject(new TypeError("bug")), calls: [] });
    await expect(deleteFacadeClient(deps, "std", "managed", { actor: "test" })).rejects.toThrow(TypeError);
    expect(await deps.store.getClient("managed")).not.toBeNull();
  });

  it("reports an IdP client it cannot delete, one already gone, and an undecryptable token", async () => {
    const gone: FakeIdp = { answer: async () => "already_gone", calls: [] };
    let deps = await setup(gone);
    expect((await deleteFacadeClient(deps, "std", "managed", { actor: "test" })).idp.status).toBe("already_gone");
    expect((await deleteFacadeClient(deps, "kc", "confidential", { actor: "test" })).idp).toMatchObject({
      status: "unmanaged",
      clientId: "up-1",
    });
    expect(gone.calls).toHaveLength(1);

    deps = await setup();
    await deps.store.deleteClient("std", "managed", { actor: "test" });
    await deps.store.createClient(
      record("managed", "std", {
        idpClientId: "up-2",
        idpRegistration: { uri: "https://idp.example/reg/up-2", tokenEnc: "garbled" },
      }),
    );
    expect(await code(deleteFacadeClient(deps, "std", "managed", { actor: "test" }))).toMatch(
      /^idp_unavailable: .*cannot be decrypted \(was the secret key replaced\?\)/,
    );
    expect(await deps.store.getClient("managed")).not.toBeNull();
  });

  it("reads the upstream query parameter strictly", () => {
    expect(keepIdpClientsParam(null)).toBe(false);
    expect(keepIdpClientsParam("delete")).toBe(false);
    expect(keepIdpClientsParam("keep")).toBe(true);
    expect(() => keepIdpClientsParam("yes")).toThrow('idp must be "delete" or "keep", not "yes"');
  });
});

describe("a provider's clients before the provider is deleted", () => {
  /** Provider "std" with three clients the gateway registered at the IdP, one on the provider's own client, one without. */
  async function provider(idp: FakeIdp) {
    const deps = await setup(idp);
    for (const n of [3, 4]) {
      await deps.store.createClient(
        record(`managed-${n}`, "std", {
          idpClientId: `up-${n}`,
          idpRegistration: { uri: `https://idp.example/reg/up-${n}`, tokenEnc: `enc:rat-${n}` },
        }),
      );
    }
    await deps.store.createClient(record("on-own-client", "std"));
    await deps.store.createClient(record("unmanaged", "std", { idpClientId: "up-9" }));
    return deps;
  }
  /** An IdP that deletes every client but the one registered as `upstreamId`, for which it answers 503. */
  const down503At = (upstreamId: string): FakeIdp => {
    const idp: FakeIdp = {
      calls: [],
      answer: async () => {
        if (idp.calls.at(-1)!.uri.endsWith(upstreamId))
          throw new IdpDeleteError("the identity provider answered HTTP 503", true);
        return "deleted";
      },
    };
    return idp;
  };
  const remaining = async (deps: ClientAdminDeps) =>
    (await deps.store.listClients("std", 100)).map((c) => c.clientId).sort();

  it("deletes every registered IdP client at the IdP, and those clients here", async () => {
    const idp: FakeIdp = { answer: async () => "deleted", calls: [] };
    const deps = await provider(idp);
    expect(await deleteProviderIdpClients(deps, "std", { actor: "test" })).toEqual({
      deleted: 3,
      already_gone: 0,
      none: 1,
      unmanaged: 1,
      kept: 0,
    });
    expect(idp.calls.map((c) => c.uri).sort()).toEqual([
      "https://idp.example/reg/up-2",
      "https://idp.example/reg/up-3",
      "https://idp.example/reg/up-4",
    ]);
    expect(idp.calls.map((c) => c.token).sort()).toEqual(["rat-2", "rat-3", "rat-4"]);
    // The rest go with the provider itself.
    expect(await remaining(deps)).toEqual(["on-own-client", "unmanaged"]);
    expect(await listFacadeClients(deps, "kc")).toMatchObject({ total: 2 });
  });

  it("stops at the first IdP failure, keeping the rest (and so the provider), and says what happened", async () => {
    const deps = await provider(down503At("up-3"));
    expect(await code(deleteProviderIdpClients(deps, "std", { actor: "test" }))).toBe(
      'idp_unavailable: provider "std" was not deleted: the identity provider\'s client "up-3" could not be deleted there: the identity provider answered HTTP 503. ' +
        "2 of its clients were deleted before that, here and at the identity provider; 3 clients remain with the provider. " +
        "Retry, or delete the provider keeping its IdP clients (?idp=keep) and remove them at the IdP yourself.",
    );
    expect(await remaining(deps)).toEqual(["managed-3", "on-own-client", "unmanaged"]);
  });

  it("does not suggest a retry when the IdP refused for good", async () => {
    const deps = await provider({
      answer: async () => Promise.reject(new IdpDeleteError("the identity provider refused (HTTP 403)", false)),
      calls: [],
    });
    const msg = await code(deleteProviderIdpClients(deps, "std", { actor: "test" }));
    expect(msg).toMatch(
      /could not be deleted there: the identity provider refused \(HTTP 403\)\. 5 clients remain with the provider\. Delete the provider keeping its IdP clients/,
    );
    expect(await remaining(deps)).toHaveLength(5);
  });

  it("lets an unexpected error through once the calls in flight have ended, starting no new one", async () => {
    const idp: FakeIdp = { answer: async () => Promise.reject(new TypeError("bug")), calls: [] };
    const deps = await provider(idp);
    await expect(deleteProviderIdpClients(deps, "std", { actor: "test" })).rejects.toThrow(TypeError);
    expect(idp.calls).toHaveLength(3); // all three started together (8 at a time); nothing after the error
    expect(await remaining(deps)).toHaveLength(5);
  });

  it("makes at most 8 IdP calls at once", async () => {
    let inFlight = 0;
    let most = 0;
    const idp: FakeIdp = {
      calls: [],
      answer: async () => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        return "deleted";
      },
    };
    const deps = await setup(idp);
    for (let i = 0; i < 30; i++) {
      await deps.store.createClient(
        record(`bulk-${i}`, "std", {
          idpClientId: `b-${i}`,
          idpRegistration: { uri: `https://idp.example/reg/b-${i}`, tokenEnc: `enc:t-${i}` },
        }),
      );
    }
    expect(await deleteProviderIdpClients(deps, "std", { actor: "test" })).toMatchObject({ deleted: 31 });
    expect(most).toBe(8);
  });

  it("also deletes clients that registered while it ran", async () => {
    // eslint-disable-next-line prefer-const -- assigned after the fake IdP that reads it is built
    let deps: ClientAdminDeps;
    const idp: FakeIdp = {
      calls: [],
      answer: async () => {
        if (idp.calls.length === 1) {
          await deps.store.createClient(
            record("late", "std", {
              idpClientId: "up-late",
              idpRegistration: { uri: "https://idp.example/reg/up-late", tokenEnc: "enc:rat-late" },
            }),
          );
        }
        return "deleted";
      },
    };
    deps = await provider(idp);
    expect(await deleteProviderIdpClients(deps, "std", { actor: "test" })).toEqual({
      deleted: 4,
      already_gone: 0,
      none: 1,
      unmanaged: 1,
      kept: 0,
    });
    expect(idp.calls.map((c) => c.uri)).toContain("https://idp.example/reg/up-late");
    expect(await remaining(deps)).toEqual(["on-own-client", "unmanaged"]);
  });

  it("calls nothing with keepIdpClients, and counts what stays at the IdP", async () => {
    const idp: FakeIdp = { answer: async () => "deleted", calls: [] };
    const deps = await provider(idp);
    expect(await deleteProviderIdpClients(deps, "std", { actor: "test", keepIdpClients: true })).toEqual({
      deleted: 0,
      already_gone: 0,
      none: 1,
      unmanaged: 0,
      kept: 4,
    });
    expect(idp.calls).toEqual([]);
    expect(await remaining(deps)).toHaveLength(5);
  });

  it("for apply --prune: says the file was not applied, how to keep the IdP clients there, and which providers already lost theirs", async () => {
    const deps = await provider(down503At("up-3"));
    await deps.store.createClient(
      record("first", "kc", {
        idpClientId: "up-k",
        idpRegistration: { uri: "https://idp.example/reg/up-k", tokenEnc: "enc:rat-k" },
      }),
    );
    const cleanUp = cleanUpBeforeProviderDeletes(deps, { actor: "cli", keepHint: "apply with --keep-upstream" });
    expect(await code(cleanUp(["kc", "std"]))).toBe(
      'idp_unavailable: the file was not applied: pruning provider "std", the identity provider\'s client "up-3" could not be deleted there: the identity provider answered HTTP 503. ' +
        "2 of its clients were deleted before that, here and at the identity provider; 3 clients remain with the provider. " +
        'Retry, or apply with --keep-upstream and remove them at the IdP yourself. The clients of "kc" were already deleted, here and at the identity provider.',
    );
    expect(await deps.store.getClient("first")).toBeNull();
  });

  it("for apply --prune: returns each provider's counts", async () => {
    const deps = await provider({ answer: async () => "deleted", calls: [] });
    await deps.store.createClient(
      record("first", "kc", {
        idpClientId: "up-k",
        idpRegistration: { uri: "https://idp.example/reg/up-k", tokenEnc: "enc:rat-k" },
      }),
    );
    const cleanUp = cleanUpBeforeProviderDeletes(deps, { actor: "cli", keepHint: "apply with --keep-upstream" });
    expect(await cleanUp(["kc", "std"])).toEqual({
      kc: { deleted: 1, already_gone: 0, none: 1, unmanaged: 1, kept: 0 },
      std: { deleted: 3, already_gone: 0, none: 1, unmanaged: 1, kept: 0 },
    });
  });

  it("refuses an unknown provider", async () => {
    expect(await code(deleteProviderIdpClients(await setup(), "nope", { actor: "test" }))).toBe(
      'not_found: provider "nope" does not exist',
    );
  });
});
