import { describe, expect, it } from "vitest";
import type { ConfigRepo } from "../db/config-repo";
import { AppError } from "../errors";
import { applyConfigText } from "./apply";

/** A repository that records calls; its dry run can be made to fail (as a database constraint would). */
function fakeRepo(failDryRun: boolean, log: string[]) {
  return {
    stateIndex: async () => ({ providers: new Set(["kc", "spare"]), servers: new Map() }),
    listProviders: async () => [],
    listServers: async () => [],
    applyChanges: async (_changes: unknown, _actor: string, _action: string, opts: { dryRun?: boolean } = {}) => {
      log.push(opts.dryRun ? "dry run" : "apply");
      if (opts.dryRun && failDryRun) throw new AppError("conflict", "the database refused");
      return { version: 2, created: [], updated: [], deleted: ["provider/spare"], unchanged: ["provider/kc"] };
    },
  } as unknown as ConfigRepo;
}

const FILE = "providers:\n  - name: kc\n    issuer: https://idp.example.com\n";

describe("applyConfigText with beforeDeletingProviders", () => {
  it("runs a dry run of the whole file, then the hook with the providers it deletes, then the apply", async () => {
    const log: string[] = [];
    const r = await applyConfigText(fakeRepo(false, log), FILE, {
      actor: "t",
      prune: true,
      beforeDeletingProviders: async (names) => (log.push(`hook ${names.join(",")}`), { spare: "what the hook did" }),
    });
    expect(log).toEqual(["dry run", "hook spare", "apply"]);
    // What the hook returns is reported with the summary.
    expect(r).toEqual({
      version: 2,
      created: [],
      updated: [],
      deleted: ["provider/spare"],
      unchanged: ["provider/kc"],
      idpClients: { spare: "what the hook did" },
    });
  });

  it("reports no upstream when the hook did not run", async () => {
    const log: string[] = [];
    const r = await applyConfigText(fakeRepo(false, log), FILE, {
      actor: "t",
      beforeDeletingProviders: async () => "never",
    });
    expect(log).toEqual(["apply"]);
    expect(r).not.toHaveProperty("upstream");
  });

  it("never calls the hook when the database's dry run refuses the file", async () => {
    const log: string[] = [];
    const e = await applyConfigText(fakeRepo(true, log), FILE, {
      actor: "t",
      prune: true,
      beforeDeletingProviders: async () => void log.push("hook"),
    }).catch((x) => x);
    expect(e).toMatchObject({ code: "conflict", message: "the database refused" });
    expect(log).toEqual(["dry run"]);
  });
});

/** A repository holding one stored server and provider; applyChanges reports every upsert of them as updated. */
function storedRepo() {
  const server = {
    name: "fetcher",
    upstream: "http://127.0.0.1:9001/mcp",
    auth: "oauth",
    oauth: {
      provider: "kc",
      mode: "proxy",
      enforcement: "strict",
      audiences: ["mcp-tools"],
      includeClientIdInAudience: false,
      requiredScopes: ["tools:read"],
      allowedRedirectUris: [],
    },
    publicUrls: [],
    resourceMetadata: { extra: { region: "eu" } },
    upstreamAuth: { header: "X-Api-Key" },
    identityHeaders: true,
    maxBodyBytes: 4194304,
    allowedOrigins: [],
    effectivePath: "/servers/fetcher/mcp",
    upstreamAuthValueSet: true,
  };
  const provider = {
    name: "kc",
    kind: "keycloak",
    issuer: "https://idp.example.com/realms/mcp",
    scopes: [],
    clockSkewSeconds: 60,
    clientSecretSet: true,
  };
  return {
    stateIndex: async () => ({
      providers: new Set(["kc"]),
      servers: new Map([["fetcher", { path: "/servers/fetcher/mcp", provider: "kc" }]]),
    }),
    listProviders: async () => [provider],
    listServers: async () => [server],
    applyChanges: async (changes: { value: { name: string }; op: string }[]) => ({
      version: 3,
      created: [],
      updated: changes.map((c) => `${c.op === "upsert-server" ? "server" : "provider"}/${c.value.name}`),
      deleted: [],
      unchanged: [],
    }),
  } as unknown as ConfigRepo;
}

describe("applyConfigText: the field-level diff", () => {
  it("shows old → new per field and flags the fields a partial entry resets by omission", async () => {
    const file = `servers:
  - name: fetcher
    upstream: http://127.0.0.1:9002/mcp
    oauth: { provider: kc }
    resourceMetadata: { extra: {} }
`;
    const r = await applyConfigText(storedRepo(), file, { actor: "t", dryRun: true });
    expect(r.fieldChanges).toEqual({
      "server/fetcher": [
        { path: "upstream", old: "http://127.0.0.1:9001/mcp", new: "http://127.0.0.1:9002/mcp" },
        { path: "oauth.audiences", old: ["mcp-tools"], new: [], omitted: true },
        { path: "oauth.requiredScopes", old: ["tools:read"], new: [], omitted: true },
        // The file wrote `extra: {}`: removing its key is what it asked for, not an omission.
        { path: "resourceMetadata.extra.region", old: "eu" },
        { path: "upstreamAuth.header", old: "X-Api-Key", omitted: true },
        { path: "upstreamAuth.value", secret: "cleared", omitted: true },
      ],
    });
  });

  it("names secrets without their values", async () => {
    const file = `providers:
  - name: kc
    kind: keycloak
    issuer: https://idp.example.com/realms/mcp
    clientSecret: new-secret-value
`;
    const r = await applyConfigText(storedRepo(), file, { actor: "t", dryRun: true });
    expect(r.fieldChanges).toEqual({ "provider/kc": [{ path: "clientSecret", secret: "set" }] });
    expect(JSON.stringify(r)).not.toContain("new-secret-value");
  });
});
