// DCR hygiene against a real IdP with DCR and RFC 7592: a registration never used within the
// provider's expireUnusedAfter is swept with the client the gateway registered for it at the IdP;
// a used one stays, with its last use listed; an identical public registration is de-duplicated
// into the live client (no second IdP client); application_type and metadata the gateway does not
// use are accepted.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { startGateway, startIdp, startMcpServer, TestOAuthClient, type Gateway, type Idp } from "./support";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook, facadeConfig } from "./oauth-helpers";

autoCleanup();

const REDIRECT = "http://127.0.0.1:41999/callback";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Listed = { clientId: string; idpClientId: string | null; lastUsedAt: string | null };

describe("client lifecycle at the facade", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    const config = JSON.parse(
      facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }),
    );
    config.providers[0].clientRegistrations = { expireUnusedAfter: "4s", expireIdleAfter: "1h", deduplicate: true };
    gw = await startGateway({
      config: JSON.stringify(config),
      env: { PORTCULLIS_CLIENT_SWEEP_SECONDS: "1", PORTCULLIS_NO_CONSOLE: "0", LOG_LEVEL: "info" },
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const register = async (body: Record<string, unknown>) => {
    const r = await gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    expect(r.status).toBe(201);
    return (await r.json()) as Record<string, unknown> & { client_id: string };
  };
  const list = async () =>
    ((await (await gw.api("/api/providers/std/clients")).json()) as { clients: Listed[]; neverUsed: number }).clients;
  const idpRegistrations = () => idp.count(new URL(idp.registrationEndpoint!).pathname);

  it("sweeps never-used registrations with their IdP clients, keeps used ones, de-duplicates identical ones", async () => {
    const used = new TestOAuthClient(REDIRECT, { client_name: "Used client" });
    const { client } = await runSdkAuthFlow({
      serverUrl: `${gw.url}/servers/tools/mcp`,
      client: used,
      login: { onPage: consentHook("approve") },
    });
    const usedId = client.clientInfo!.client_id;

    const unused = await register({
      client_name: "Never used",
      redirect_uris: ["http://127.0.0.1:42000/callback"],
      token_endpoint_auth_method: "none",
      application_type: "native",
      software_statement: "not-checked",
      jwks_uri: "https://client.example/jwks",
    });
    expect(unused.application_type).toBe("native");
    const unusedIdp = (await list()).find((c) => c.clientId === unused.client_id)!.idpClientId!;
    expect(await idp.hasClient(unusedIdp)).toBe(true);

    // The same public registration again: the live client's id, and no new IdP client.
    const body = {
      client_name: "Reconnecting client",
      software_id: "example-ide",
      redirect_uris: ["http://127.0.0.1:42001/callback", "http://localhost:42001/callback"],
      grant_types: ["authorization_code", "refresh_token"],
      token_endpoint_auth_method: "none",
    };
    const first = await register(body);
    const before = idpRegistrations();
    const again = await register({ ...body, redirect_uris: [...body.redirect_uris].reverse() });
    expect(again.client_id).toBe(first.client_id);
    expect(again.client_id_issued_at).toBe(first.client_id_issued_at);
    expect(idpRegistrations()).toBe(before);
    expect((await register({ ...body, software_id: "other-ide" })).client_id).not.toBe(first.client_id);
    expect(gw.logLines().filter((l) => l.msg === "oauth client registration de-duplicated")).toHaveLength(1);

    const listed = await list();
    expect(listed.find((c) => c.clientId === usedId)?.lastUsedAt).toEqual(expect.any(String));
    expect(listed.find((c) => c.clientId === unused.client_id)?.lastUsedAt).toBeNull();

    // Past expireUnusedAfter, the next sweeps delete the never-used client here and at the IdP.
    const deadline = Date.now() + 15_000;
    while ((await list()).some((c) => c.clientId === unused.client_id) && Date.now() < deadline) await sleep(500);
    const after = (await list()).map((c) => c.clientId);
    expect(after).not.toContain(unused.client_id);
    expect(after).toContain(usedId);
    expect(await idp.hasClient(unusedIdp)).toBe(false);
    expect(gw.logLines().some((l) => l.msg === "expired facade clients swept" && (l.expired as number) >= 1)).toBe(
      true,
    );
  });
});
