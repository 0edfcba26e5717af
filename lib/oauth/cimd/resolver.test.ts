import { describe, expect, it } from "vitest";
import { createCimdResolver } from "./resolver";
import { fetchClientMetadataDocument } from "./fetch-document";
import { parsePrivateHosts, isPrivateHostAllowed } from "./private-hosts";
import { cimdPolicyOf, domainAllowed } from "./policy";

const URL_ = "https://app.example.com/client.json";
const body = { client_id: URL_, client_name: "App", redirect_uris: ["https://app.example.com/cb"] };
const open = { enabled: true, allowedDomains: [] };

function setup(lifetimeMs = 60_000) {
  let now = 1_000_000;
  const fetched: string[] = [];
  let answer: () => Promise<{ body: unknown; lifetimeMs: number }> = async () => ({ body, lifetimeMs });
  const resolver = createCimdResolver({
    privateHosts: new Set(),
    now: () => now,
    fetchDocument: async (url) => {
      fetched.push(url.href);
      return answer();
    },
  });
  return {
    resolver,
    fetched,
    advance: (ms: number) => (now += ms),
    answer: (f: typeof answer) => (answer = f),
  };
}

describe("resolving a client ID metadata document", () => {
  it("fetches once, reuses it while fresh, fetches again after", async () => {
    const t = setup();
    await t.resolver.resolve(URL_, open, "p");
    await t.resolver.resolve(URL_, open, "p");
    expect(t.fetched).toHaveLength(1);
    t.advance(60_001);
    await t.resolver.resolve(URL_, open, "p");
    expect(t.fetched).toHaveLength(2);
  });

  it("concurrent authorizations share one fetch", async () => {
    const t = setup();
    let release!: () => void;
    t.answer(() => new Promise((r) => (release = () => r({ body, lifetimeMs: 60_000 }))));
    const all = Promise.all([1, 2, 3].map(() => t.resolver.resolve(URL_, open, "p")));
    await new Promise((r) => setTimeout(r, 0));
    release();
    expect((await all).map((d) => d.clientName)).toEqual(["App", "App", "App"]);
    expect(t.fetched).toHaveLength(1);
  });

  it("never caches an invalid document or a failure", async () => {
    const t = setup();
    t.answer(async () => ({ body: { ...body, client_id: "https://other.example/x" }, lifetimeMs: 60_000 }));
    await expect(t.resolver.resolve(URL_, open, "p")).rejects.toMatchObject({ code: "cimd_client_id_mismatch" });
    t.answer(async () => ({ body, lifetimeMs: 60_000 }));
    await expect(t.resolver.resolve(URL_, open, "p")).resolves.toMatchObject({ clientName: "App" });
    expect(t.fetched).toHaveLength(2);
  });

  it("checks the policy before the cache, and never fetches what the policy refuses", async () => {
    const t = setup();
    await t.resolver.resolve(URL_, open, "p");
    await expect(t.resolver.resolve(URL_, { enabled: false, allowedDomains: [] }, "p")).rejects.toMatchObject({
      code: "cimd_disabled",
    });
    await expect(
      t.resolver.resolve("https://evil.example/client.json", { enabled: true, allowedDomains: ["example.com"] }, "p"),
    ).rejects.toMatchObject({ code: "cimd_domain_not_allowed" });
    await expect(t.resolver.resolve("http://app.example.com/client.json", open, "p")).rejects.toMatchObject({
      code: "cimd_invalid_url",
    });
    expect(t.fetched).toEqual([URL_]);
  });
});

describe("the operator's policy", () => {
  it("a domain allows itself and its subdomains, nothing that merely ends like it", () => {
    expect(domainAllowed("vscode.dev", ["vscode.dev"])).toBe(true);
    expect(domainAllowed("insiders.vscode.dev", ["vscode.dev"])).toBe(true);
    expect(domainAllowed("evilvscode.dev", ["vscode.dev"])).toBe(false);
    expect(domainAllowed("anything.example", [])).toBe(true);
  });

  it("is on for any public host unless the provider says otherwise", () => {
    expect(cimdPolicyOf({})).toEqual({ enabled: true, allowedDomains: [] });
    expect(cimdPolicyOf({ clientIdMetadataDocuments: { enabled: false, allowedDomains: ["claude.ai"] } })).toEqual({
      enabled: false,
      allowedDomains: ["claude.ai"],
    });
  });
});

describe("fetching: the client-URL address policy", () => {
  const loopback = async () => [{ address: "127.0.0.1", family: 4 as const }];

  it("a host resolving to a private address is refused before any connection, naming the setting", async () => {
    await expect(
      fetchClientMetadataDocument(new URL("https://docs.internal.example/c.json"), {
        privateHosts: new Set(),
        resolver: loopback,
      }),
    ).rejects.toMatchObject({
      code: "cimd_fetch_failed",
      message: expect.stringMatching(/loopback address.*PORTCULLIS_CIMD_PRIVATE_HOSTS/),
    });
  });

  it("link-local and cloud metadata addresses stay blocked even for a listed host", async () => {
    await expect(
      fetchClientMetadataDocument(new URL("https://meta.example/c.json"), {
        privateHosts: parsePrivateHosts("meta.example"),
        resolver: async () => [{ address: "169.254.169.254", family: 4 }],
      }),
    ).rejects.toMatchObject({ code: "cimd_fetch_failed", message: expect.stringContaining("always blocked") });
  });

  it("PORTCULLIS_CIMD_PRIVATE_HOSTS names a host (any port) or host:port", () => {
    const hosts = parsePrivateHosts(" Docs.Internal ,127.0.0.1:8443,, ");
    expect(isPrivateHostAllowed(new URL("https://docs.internal/c.json"), hosts)).toBe(true);
    expect(isPrivateHostAllowed(new URL("https://docs.internal:9443/c.json"), hosts)).toBe(true);
    expect(isPrivateHostAllowed(new URL("https://127.0.0.1:8443/c.json"), hosts)).toBe(true);
    expect(isPrivateHostAllowed(new URL("https://127.0.0.1:9443/c.json"), hosts)).toBe(false);
    expect(isPrivateHostAllowed(new URL("https://127.0.0.1/c.json"), parsePrivateHosts(""))).toBe(false);
  });
});
