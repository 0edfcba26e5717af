/**
 * The `portcullis` command against a real database and a real IdP: exit codes,
 * atomic apply with every error by path, export → apply round trip, inspect
 * (exit 0 accepted, 1 rejected) before and after the fix it suggests, discover.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGateway, startIdp, type Gateway, type Idp } from "./support";

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
