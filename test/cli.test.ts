/**
 * The `portcullis` command against a real database and a real IdP: exit codes,
 * atomic apply with every error by path, export → apply round trip, inspect
 * (exit 0 accepted, 1 rejected) before and after the fix it suggests, discover.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startGateway, startIdp, type Gateway, type Idp } from "./support";

describe("portcullis CLI", () => {
  let idp: Idp;
  let gw: Gateway;
  const server = (includeClientId: boolean) => `
  - name: fetcher
    upstream: http://127.0.0.1:9/mcp
    oauth: { provider: ak, mode: direct, includeClientIdInAudience: ${includeClientId} }`;
  const config = (includeClientId: boolean) => `
providers:
  - name: ak
    kind: authentik
    issuer: ${idp.issuer}
    clientId: ${idp.clients.gateway.clientId}
servers:${server(includeClientId)}
`;

  beforeAll(async () => {
    idp = await startIdp({ shape: "authentik" });
    gw = await startGateway({ env: { PUBLIC_URL: "https://mcp.example.com" } });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("migrate reports the database up to date", async () => {
    const r = await gw.cli(["migrate"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/up to date/);
  });

  it("apply rejects a file with several errors (exit 1, every path) and changes nothing", async () => {
    const before = await gw.cli(["export"]);
    const bad = `servers:\n  - name: a\n    upstream: http://x/mcp\n    oauth: { provider: nope }\n  - name: Bad\n    upstream: ftp://x\n    auth: none\n    surprise: 1\n`;
    const r = await gw.cli(["apply", "-f", "-"], { input: bad });
    expect(r.code).toBe(1);
    for (const path of ["servers[0].oauth.provider", "servers[1].name", "servers[1].upstream", "servers[1].surprise"])
      expect(r.stderr).toContain(path);
    expect((await gw.cli(["export"])).stdout.replace(/exported \S+/, "")).toBe(
      before.stdout.replace(/exported \S+/, ""),
    );
  });

  it("applies a valid file and export → apply round-trips unchanged", async () => {
    const dry = await gw.cli(["apply", "-f", "-", "--dry-run"], { input: config(false) });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/would create: provider\/ak, server\/fetcher/);
    const r = await gw.cli(["apply", "-f", "-"], { input: config(false) });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/created: provider\/ak, server\/fetcher/);
    const exported = await gw.cli(["export"]);
    const again = await gw.cli(["apply", "-f", "-"], { input: exported.stdout });
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/unchanged: provider\/ak, server\/fetcher/);
    expect(again.stdout).not.toMatch(/created|updated|deleted/);
  });

  it("inspect exits 1 with the diagnosis and its fix, then 0 once the fix is applied", async () => {
    const token = await idp.mintClientCredentialsToken({ clientId: idp.clients.gateway.clientId });
    const rejected = await gw.cli(["inspect", "--server", "fetcher", "-"], { input: token });
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toMatch(/REJECTED \(401 invalid_token\)/);
    expect(rejected.stdout).toMatch(/fix: Turn on include client id in audience for server fetcher/);
    expect(rejected.stdout).toContain("https://mcp.example.com/servers/fetcher/mcp");
    expect(rejected.stdout).not.toContain(token);

    expect((await gw.cli(["apply", "-f", "-"], { input: config(true) })).stdout).toMatch(/updated: server\/fetcher/);
    const accepted = await gw.cli(["inspect", "--server", "fetcher", "--json", token]);
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).diagnosis).toMatchObject({ verdict: "accept" });
  });

  it("discover reports the IdP's documents and capabilities", async () => {
    const r = await gw.cli(["discover", "--provider", "ak", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("/application/o/mcp/jwks/");
  });

  it("exits 2 on usage errors and unknown names", async () => {
    expect((await gw.cli(["bogus"])).code).toBe(2);
    expect((await gw.cli(["apply"])).code).toBe(2);
    expect((await gw.cli(["apply", "-f", "/nonexistent.yaml"])).code).toBe(2);
    const missing = await gw.cli(["discover", "--provider", "nope"]);
    expect(missing.code).toBe(2);
    expect(missing.stdout + missing.stderr).toMatch(/provider "nope" does not exist/);
  });
});

describe("portcullis apply: the replace semantics are visible", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(async () => {
    await gw?.stop();
  });
  const full = `providers:
  - name: kc
    kind: keycloak
    issuer: https://idp.example.com/realms/mcp
servers:
  - name: fetcher
    upstream: http://127.0.0.1:9/mcp
    oauth: { provider: kc, audiences: [mcp-tools], requiredScopes: [tools:read] }
`;
  const partial = `servers:
  - name: fetcher
    upstream: http://127.0.0.1:9/mcp
    oauth: { provider: kc }
`;

  it("the dry run shows old → new per field and calls out the fields a partial entry resets", async () => {
    expect((await gw.cli(["apply", "-f", "-"], { input: full })).code).toBe(0);
    const dry = await gw.cli(["apply", "-f", "-", "--dry-run"], { input: partial });
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("would update: server/fetcher\n  server/fetcher:\n");
    expect(dry.stdout).toContain('    oauth.audiences: ["mcp-tools"] → []   (reset: not in the file)\n');
    expect(dry.stdout).toContain('    oauth.requiredScopes: ["tools:read"] → []   (reset: not in the file)\n');
    expect(dry.stdout).toMatch(
      /note: apply replaces each entry whole: 2 fields are not in the file and would be reset/,
    );
    expect(dry.stdout).toMatch(/dry run: nothing applied/);
    // Nothing changed: the stored entry still has both.
    expect((await gw.cli(["export"])).stdout).toContain("- mcp-tools");
  });

  it("export is byte-stable: the same config exports to the same bytes, with no timestamp", async () => {
    const a = await gw.cli(["export"]);
    const b = await gw.cli(["export"]);
    expect(a.code).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    expect(a.stdout).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
    // Re-applied, it is unchanged, and it exports to the very same bytes again.
    expect((await gw.cli(["apply", "-f", "-"], { input: a.stdout })).stdout).toMatch(
      /unchanged: provider\/kc, server\/fetcher/,
    );
    expect((await gw.cli(["export"])).stdout).toBe(a.stdout);
  });
});

describe("portcullis from another directory", () => {
  let gw: Gateway;
  let elsewhere: string;
  beforeAll(async () => {
    gw = await startGateway();
    elsewhere = mkdtempSync(join(tmpdir(), "pc-cwd-"));
    await gw.cli(["apply", "-f", "-"], {
      input: "servers:\n  - name: open\n    upstream: http://127.0.0.1:9/mcp\n    auth: none\n",
    });
  });
  afterAll(async () => {
    await gw?.stop();
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it("resolves a relative SQLite path against the project directory and says which database it uses", async () => {
    const file = join(gw.dataDir, "portcullis.db");
    const env = { DATABASE_URL: `file:${relative(REPO_ROOT, file)}` };
    const r = await gw.cli(["export"], { cwd: elsewhere, env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("name: open");
    expect(r.stderr).toContain(`database: ${file}`);
    // Human output says it first, on stdout.
    const dry = await gw.cli(["apply", "--dry-run", "-f", "-"], { cwd: elsewhere, env, input: r.stdout });
    expect(dry.stdout).toMatch(
      new RegExp(`^database: ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\nunchanged: server/open\n`),
    );
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it("read-only commands never create a database or a secret key", async () => {
    const missing = join(elsewhere, "nothing-here", "portcullis.db");
    const env = { DATABASE_URL: `file:${relative(REPO_ROOT, missing)}` };
    for (const args of [["export"], ["inspect", "--server", "open", "x.y.z"], ["discover", "--provider", "kc"]]) {
      const r = await gw.cli(args, { cwd: elsewhere, env });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(`error: no database at ${missing}: start the gateway once`);
      expect(r.stdout + r.stderr).toContain(`database: ${missing}\n`);
      expect(r.stdout.replace(`database: ${missing}\n`, "")).toBe("");
    }
    expect(existsSync(dirname(missing))).toBe(false);
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe("portcullis exit codes, and inspect agreeing with the gateway", () => {
  let idp: Idp;
  let gw: Gateway;
  let resource: string;
  beforeAll(async () => {
    idp = await startIdp({ shape: "standard" });
    gw = await startGateway(); // no PUBLIC_URL: the gateway takes the resource URL from each request's Host
    resource = `${gw.url}/servers/fetcher/mcp`;
    await gw.cli(["apply", "-f", "-"], {
      input: `providers:
  - name: std
    issuer: ${idp.issuer}
    clientId: ${idp.clients.gateway.clientId}
  - name: gone
    issuer: http://127.0.0.1:9/nowhere
servers:
  - name: fetcher
    upstream: http://127.0.0.1:9/mcp
    oauth: { provider: std, mode: direct }
`,
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("usage errors exit 2 with a clear message", async () => {
    const missing = await gw.cli(["apply", "-f", "nope.yaml"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(`error: cannot read ${join(REPO_ROOT, "nope.yaml")}: no such file\n`);
    const keep = await gw.cli(["apply", "-f", "-", "--keep-idp-clients"], { input: "servers: []\n" });
    expect(keep.code).toBe(2);
    expect(keep.stderr).toMatch(/--keep-idp-clients only applies with --prune/);
    const env = await gw.cli(["export"], { env: { PUBLIC_URL: "not a url" } });
    expect(env.code).toBe(2);
    expect(env.stderr).toMatch(/PUBLIC_URL/);
    const noToken = await gw.cli(["inspect", "--server", "fetcher", "-"], { input: "  \n" });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toMatch(/no token/);
    const badUrl = await gw.cli(["inspect", "--server", "fetcher", "--url", "ftp://x", "a.b.c"]);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toMatch(/--url/);
  });

  it("rejections exit 1: an invalid file, a rejected token, discovery errors", async () => {
    expect((await gw.cli(["apply", "-f", "-"], { input: "servers:\n  - name: x\n" })).code).toBe(1);
    const token = await idp.mintClientCredentialsToken({ resource: "https://elsewhere.example/mcp" });
    expect((await gw.cli(["inspect", "--server", "fetcher", "--url", gw.url, token])).code).toBe(1);
    const discover = await gw.cli(["discover", "--provider", "gone"]);
    expect(discover.code).toBe(1);
    expect(discover.stderr).toMatch(/discovery found \d+ errors?/);
    expect((await gw.cli(["discover", "--provider", "std"])).code).toBe(0);
  });
  it("takes the public URL from --url, and says it cannot tell without one", async () => {
    const token = await idp.mintClientCredentialsToken({ resource });
    // The gateway accepts the token (the upstream is down: 502, not 401), once it has seen the CLI's config.
    const post = () =>
      fetch(resource, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: "{}",
      });
    let proxied = await post();
    for (let i = 0; i < 50 && proxied.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 200));
      proxied = await post();
    }
    expect(proxied.status).toBe(502);

    const withUrl = await gw.cli(["inspect", "--server", "fetcher", "--url", gw.url, token]);
    expect(withUrl.code).toBe(0);
    expect(withUrl.stdout).toMatch(/^ACCEPTED$/m);

    const withEnv = await gw.cli(["inspect", "--server", "fetcher", token], { env: { PUBLIC_URL: gw.url } });
    expect(withEnv.code).toBe(0);

    const unknown = await gw.cli(["inspect", "--server", "fetcher", token]);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/note: server fetcher has no public URL and PUBLIC_URL is unset/);
    expect(unknown.stdout).toMatch(/UNDETERMINED: the token's aud .* may be this server's resource URL/);
    expect(unknown.stdout).not.toMatch(/no accepted audiences/);
    expect(unknown.stderr).toMatch(/cannot tell: .*pass --url/);
  });

  it("offers the console's fixes without a public URL: the client id in aud (Authentik)", async () => {
    const ak = await startIdp({ shape: "authentik" });
    try {
      await gw.cli(["apply", "-f", "-"], {
        input: `providers:
  - name: ak
    kind: authentik
    issuer: ${ak.issuer}
    clientId: ${ak.clients.gateway.clientId}
servers:
  - name: tools
    upstream: http://127.0.0.1:9/mcp
    oauth: { provider: ak, mode: direct }
`,
      });
      const token = await ak.mintClientCredentialsToken({ clientId: ak.clients.gateway.clientId });
      const r = await gw.cli(["inspect", "--server", "tools", token]);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/fix: Turn on include client id in audience for server tools/);
      expect(r.stdout).not.toMatch(/UNDETERMINED/);
    } finally {
      await ak.close();
    }
  });
});
