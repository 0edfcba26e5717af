import { describe, expect, it } from "vitest";
import { validateChanges, type StateIndex } from "./changes";
import { providerSchema, serverSchema } from "./schema";
import { parseConfigFileDetailed, configFileToChanges } from "./yaml";

const state = (providers: string[], servers: [string, string, string?][] = []): StateIndex => ({
  providers: new Set(providers),
  servers: new Map(servers.map(([n, path, provider]) => [n, { path, provider }])),
});
const server = (name: string, provider?: string, path?: string) =>
  serverSchema.parse({
    name,
    upstream: "http://x/mcp",
    ...(provider ? { oauth: { provider } } : { auth: "none" }),
    ...(path ? { path } : {}),
  });

describe("validateChanges", () => {
  it("accepts a server whose provider is created in the same change set", () => {
    const changes = [
      { op: "upsert-server" as const, value: server("s", "kc"), at: ["servers", 0] },
      {
        op: "upsert-provider" as const,
        value: providerSchema.parse({ name: "kc", issuer: "https://i" }),
        at: ["providers", 0],
      },
    ];
    expect(validateChanges(changes, state([]))).toEqual([]);
  });

  it("reports unknown providers, duplicate names and path collisions by path", () => {
    const errs = validateChanges(
      [
        { op: "upsert-server", value: server("a", "kc2"), at: ["servers", 0] },
        { op: "upsert-server", value: server("b", undefined, "/servers/taken/mcp"), at: ["servers", 1] },
        { op: "upsert-server", value: server("a"), at: ["servers", 2] },
      ],
      state(["kc"], [["taken", "/servers/taken/mcp"]]),
    );
    expect(errs).toEqual([
      { path: "servers[2].name", message: 'duplicate server name "a" (also at servers[0])' },
      { path: "servers[0].oauth.provider", message: 'unknown provider "kc2"' },
      { path: "servers[1].path", message: 'path /servers/taken/mcp is already used by server "taken"' },
    ]);
  });

  it("host-routed servers share a path on different hosts, never on the same host", () => {
    const hosted = (name: string, urls: string[], routing?: "host") =>
      serverSchema.parse({ name, upstream: "http://x/mcp", auth: "none", path: "/mcp", publicUrls: urls, routing });
    const at = (i: number) => ["servers", i];
    expect(
      validateChanges(
        [
          { op: "upsert-server", value: hosted("a", ["https://a.example.com"], "host"), at: at(0) },
          { op: "upsert-server", value: hosted("b", ["https://b.example.com"], "host"), at: at(1) },
        ],
        state([]),
      ),
    ).toEqual([]);
    const errs = validateChanges(
      [
        {
          op: "upsert-server",
          value: hosted("a", ["https://a.example.com", "https://x.example.com"], "host"),
          at: at(0),
        },
        { op: "upsert-server", value: hosted("b", ["https://X.example.com"], "host"), at: at(1) },
        { op: "upsert-server", value: hosted("c", ["https://c.example.com"]), at: at(2) },
      ],
      state([]),
    );
    expect(errs.map((e) => `${e.path}: ${e.message}`)).toEqual([
      'servers[0].path: path /mcp is already used by server "b" on host x.example.com',
      'servers[0].path: path /mcp is already used by server "c"',
      'servers[1].path: path /mcp is already used by server "a" on host x.example.com',
      'servers[1].path: path /mcp is already used by server "c"',
      'servers[2].path: path /mcp is already used by server "a"',
      'servers[2].path: path /mcp is already used by server "b"',
    ]);
    expect(
      serverSchema.safeParse({ name: "d", upstream: "http://x/mcp", routing: "host", auth: "none" }).error?.issues[0],
    ).toMatchObject({ path: ["routing"], message: expect.stringContaining("needs publicUrls") });
  });

  it("refuses to delete a provider still used by a server", () => {
    const errs = validateChanges(
      [{ op: "delete-provider", name: "kc", at: [] }],
      state(["kc"], [["s", "/servers/s/mcp", "kc"]]),
    );
    expect(errs[0].message).toBe('provider "kc" is still used by server "s"');
  });

  it("prune deletes what the file leaves out, servers before their providers", () => {
    const { file } = parseConfigFileDetailed("providers: []\nservers: []\n");
    const changes = configFileToChanges(file, { prune: true, existing: { providers: ["kc"], servers: ["s"] } });
    expect(changes.map((c) => c.op)).toEqual(["delete-server", "delete-provider"]);
    expect(validateChanges(changes, state(["kc"], [["s", "/servers/s/mcp", "kc"]]))).toEqual([]);
  });
});
