// Deleting a facade client in the admin API also deletes the client the gateway registered for it
// at the IdP (RFC 7592), against a real IdP (oidc-provider with registration management). When the
// IdP cannot delete it, nothing is deleted, unless the admin asks to keep the upstream client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";
import { facadeConfig } from "./oauth-helpers";

autoCleanup();

describe("facade clients and their upstream clients at the IdP", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    // No clientId: every registration at the facade registers a client of the gateway's own at the IdP.
    gw = await startGateway({ env: { PORTCULLIS_NO_CONSOLE: "0" }, config: facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }) });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  async function register(name: string): Promise<{ clientId: string; upstreamClientId: string }> {
    const r = await gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:41999/callback"], token_endpoint_auth_method: "none", client_name: name }),
    });
    expect(r.status).toBe(201);
    const clientId = ((await r.json()) as { client_id: string }).client_id;
    const list = (await (await gw.api("/api/providers/std/clients")).json()) as { clients: Array<{ clientId: string; upstreamClientId: string | null; upstreamDeletable: boolean }> };
    const mine = list.clients.find((c) => c.clientId === clientId)!;
    // Exactly these fields: the registration access token and URI stay inside the gateway.
    expect(Object.keys(mine).sort()).toEqual(["clientId", "clientName", "createdAt", "hasSecret", "redirectUris", "tokenEndpointAuthMethod", "upstreamClientId", "upstreamDeletable"]);
    expect(mine.upstreamDeletable).toBe(true);
    expect(await idp.hasClient(mine.upstreamClientId!)).toBe(true);
    return { clientId, upstreamClientId: mine.upstreamClientId! };
  }

  it("deletes the upstream client at the IdP, then the facade client", async () => {
    const c = await register("Deleted everywhere");
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      deleted: c.clientId,
      upstream: { status: "deleted", clientId: c.upstreamClientId, message: `The identity provider's client "${c.upstreamClientId}" was deleted too.` },
    });
    expect(idp.requests.some((q) => q.method === "DELETE" && q.path.endsWith(`/${c.upstreamClientId}`))).toBe(true);
    expect(await idp.hasClient(c.upstreamClientId)).toBe(false);
    expect((await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses a bad upstream parameter without deleting anything", async () => {
    const c = await register("Bad parameter");
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}?upstream=maybe`, { method: "DELETE" });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toEqual({ code: "bad_request", message: 'upstream must be "delete" or "keep", not "maybe"' });
    expect(await idp.hasClient(c.upstreamClientId)).toBe(true);
    expect((await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" })).status).toBe(200);
  });

  it("keeps everything when the IdP is down, and deletes here only when asked to keep the upstream client", async () => {
    const c = await register("IdP down");
    await idp.close();
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" });
    expect(r.status).toBe(502);
    const err = (await r.json()).error;
    expect(err.code).toBe("upstream_unavailable");
    expect(err.message).toMatch(new RegExp(`^the identity provider's client "${c.upstreamClientId}" was not deleted: the call to the identity provider failed \\(fetch_`));
    expect(err.message).toContain("Nothing was deleted");
    const listed = (await (await gw.api("/api/providers/std/clients")).json()) as { clients: Array<{ clientId: string }> };
    expect(listed.clients.map((x) => x.clientId)).toContain(c.clientId);

    const kept = await gw.api(`/api/providers/std/clients/${c.clientId}?upstream=keep`, { method: "DELETE" });
    expect(kept.status).toBe(200);
    expect((await kept.json()).upstream).toMatchObject({ status: "kept", clientId: c.upstreamClientId });
    const after = (await (await gw.api("/api/providers/std/clients")).json()) as { clients: Array<{ clientId: string }> };
    expect(after.clients.map((x) => x.clientId)).not.toContain(c.clientId);
  });
});
