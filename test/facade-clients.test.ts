// Deleting a facade client in the admin API also deletes the client the gateway registered for it
// at the IdP (RFC 7592), against a real IdP (oidc-provider with registration management). When the
// IdP cannot delete it, nothing is deleted, unless the admin asks to keep the upstream client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";
import { facadeConfig } from "./oauth-helpers";

autoCleanup();

/** Registers a client at `provider`'s facade; the gateway registers one of its own at the IdP for it. */
async function registerAt(
  gw: Gateway,
  idp: Idp,
  provider: string,
  name: string,
): Promise<{ clientId: string; idpClientId: string }> {
  const r = await gw.fetch(`/oauth/${provider}/register`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      redirect_uris: ["http://127.0.0.1:41999/callback"],
      token_endpoint_auth_method: "none",
      client_name: name,
    }),
  });
  expect(r.status).toBe(201);
  const clientId = ((await r.json()) as { client_id: string }).client_id;
  const list = (await (await gw.api(`/api/providers/${provider}/clients`)).json()) as {
    clients: Array<{ clientId: string; idpClientId: string | null; idpDeletable: boolean }>;
  };
  const mine = list.clients.find((c) => c.clientId === clientId)!;
  // Exactly these fields: the registration access token and URI stay inside the gateway.
  expect(Object.keys(mine).sort()).toEqual([
    "clientId",
    "clientName",
    "createdAt",
    "expired",
    "hasSecret",
    "idpClientId",
    "idpDeletable",
    "kind",
    "lastUsedAt",
    "redirectUris",
    "tokenEndpointAuthMethod",
  ]);
  expect(mine.idpDeletable).toBe(true);
  expect(await idp.hasClient(mine.idpClientId!)).toBe(true);
  return { clientId, idpClientId: mine.idpClientId! };
}

type Config = { providers: Array<Record<string, unknown>>; servers: Array<Record<string, unknown>> };

/** Two providers on one IdP, std and spare, each used by a server in proxy mode (which is what serves its facade). */
async function twoProviders(): Promise<{ idp: Idp; gw: Gateway; config: Config }> {
  const upstream = await startMcpServer();
  const idp = await startIdp({ shape: "standard" });
  const config: Config = JSON.parse(
    facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }),
  );
  config.providers.push({ ...config.providers[0], name: "spare" });
  config.servers.push({
    ...config.servers[0],
    name: "spare-tools",
    oauth: { ...(config.servers[0].oauth as object), provider: "spare" },
  });
  const gw = await startGateway({ env: { PORTCULLIS_NO_CONSOLE: "0" }, config: JSON.stringify(config) });
  return { idp, gw, config };
}

describe("facade clients and their upstream clients at the IdP", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    // No clientId: every registration at the facade registers a client of the gateway's own at the IdP.
    gw = await startGateway({
      env: { PORTCULLIS_NO_CONSOLE: "0" },
      config: facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer }, { upstream: upstream.url }),
    });
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  const register = (name: string) => registerAt(gw, idp, "std", name);

  it("deletes the upstream client at the IdP, then the facade client", async () => {
    const c = await register("Deleted everywhere");
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      deleted: c.clientId,
      idp: {
        status: "deleted",
        clientId: c.idpClientId,
        message: `The identity provider's client "${c.idpClientId}" was deleted too.`,
      },
    });
    expect(idp.requests.some((q) => q.method === "DELETE" && q.path.endsWith(`/${c.idpClientId}`))).toBe(true);
    expect(await idp.hasClient(c.idpClientId)).toBe(false);
    expect((await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" })).status).toBe(404);
  });

  it("refuses a bad upstream parameter without deleting anything", async () => {
    const c = await register("Bad parameter");
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}?idp=maybe`, { method: "DELETE" });
    expect(r.status).toBe(400);
    expect((await r.json()).error).toEqual({
      code: "bad_request",
      message: 'idp must be "delete" or "keep", not "maybe"',
    });
    expect(await idp.hasClient(c.idpClientId)).toBe(true);
    expect((await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" })).status).toBe(200);
  });

  it("keeps everything when the IdP is down, and deletes here only when asked to keep the upstream client", async () => {
    const c = await register("IdP down");
    await idp.close();
    const r = await gw.api(`/api/providers/std/clients/${c.clientId}`, { method: "DELETE" });
    expect(r.status).toBe(502);
    const err = (await r.json()).error;
    expect(err.code).toBe("idp_unavailable");
    expect(err.message).toMatch(
      new RegExp(
        `^the identity provider's client "${c.idpClientId}" was not deleted: the call to the identity provider failed \\(fetch_`,
      ),
    );
    expect(err.message).toContain("Nothing was deleted");
    const listed = (await (await gw.api("/api/providers/std/clients")).json()) as {
      clients: Array<{ clientId: string }>;
    };
    expect(listed.clients.map((x) => x.clientId)).toContain(c.clientId);

    const kept = await gw.api(`/api/providers/std/clients/${c.clientId}?idp=keep`, { method: "DELETE" });
    expect(kept.status).toBe(200);
    expect((await kept.json()).idp).toMatchObject({ status: "kept", clientId: c.idpClientId });
    const after = (await (await gw.api("/api/providers/std/clients")).json()) as {
      clients: Array<{ clientId: string }>;
    };
    expect(after.clients.map((x) => x.clientId)).not.toContain(c.clientId);
  });
});

describe("deleting a provider deletes its clients' upstream clients at the IdP first", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    ({ idp, gw } = await twoProviders());
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("refuses a provider still in use before calling the IdP, then deletes an unused one everywhere", async () => {
    const a = await registerAt(gw, idp, "std", "On std");
    const b = await registerAt(gw, idp, "spare", "On spare");

    const inUse = await gw.api("/api/providers/std", { method: "DELETE" });
    expect(inUse.status).toBe(409);
    expect(await idp.hasClient(a.idpClientId)).toBe(true);
    expect((await gw.api("/api/servers/spare-tools", { method: "DELETE" })).status).toBe(204);
    expect((await gw.api("/api/providers/spare?idp=maybe", { method: "DELETE" })).status).toBe(400);
    expect(await idp.hasClient(b.idpClientId)).toBe(true);

    const r = await gw.api("/api/providers/spare", { method: "DELETE" });
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({
      deleted: "spare",
      idpClients: { deleted: 1, already_gone: 0, none: 0, unmanaged: 0, kept: 0 },
    });
    expect(await idp.hasClient(b.idpClientId)).toBe(false);
    expect((await gw.api("/api/providers/spare")).status).toBe(404);
    expect(await idp.hasClient(a.idpClientId)).toBe(true);
  });

  it("keeps the provider when the IdP is down, and deletes it here only when asked to keep its IdP clients", async () => {
    expect((await gw.api("/api/servers/tools", { method: "DELETE" })).status).toBe(204);
    await idp.close();
    const r = await gw.api("/api/providers/std", { method: "DELETE" });
    expect(r.status).toBe(502);
    const err = (await r.json()).error;
    expect(err.code).toBe("idp_unavailable");
    expect(err.message).toMatch(
      /^provider "std" was not deleted: the identity provider's client "[^"]+" could not be deleted there: the call to the identity provider failed \(fetch_\w+\)\. 1 client remains with the provider\. Retry, or delete the provider keeping its IdP clients \(\?idp=keep\)/,
    );
    expect((await gw.api("/api/providers/std")).status).toBe(200);
    expect(((await (await gw.api("/api/providers/std/clients")).json()) as { total: number }).total).toBe(1);

    const kept = await gw.api("/api/providers/std?idp=keep", { method: "DELETE" });
    expect(kept.status).toBe(200);
    expect(await kept.json()).toEqual({
      deleted: "std",
      idpClients: { deleted: 0, already_gone: 0, none: 0, unmanaged: 0, kept: 1 },
    });
    expect((await gw.api("/api/providers/std")).status).toBe(404);
  });
});

describe("apply --prune deletes removed providers' clients at the IdP first", () => {
  let idp: Idp;
  let gw: Gateway;
  let config: Config;

  beforeAll(async () => {
    ({ idp, gw, config } = await twoProviders());
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("the CLI deletes them there; the console's import keeps them when asked", async () => {
    const a = await registerAt(gw, idp, "std", "On std");
    const b = await registerAt(gw, idp, "spare", "On spare");

    // YAML is a superset of JSON: the file keeps std and its server, so spare and spare-tools are pruned.
    const onlyStd = JSON.stringify({ providers: [config.providers[0]], servers: [config.servers[0]] });
    const r = await gw.cli(["apply", "-f", "-", "--prune"], { input: onlyStd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/deleted: server\/spare-tools, provider\/spare/);
    expect(r.stdout).toContain("\nclients of provider/spare: 1 deleted at the IdP\n");
    expect(await idp.hasClient(b.idpClientId)).toBe(false);
    expect(await idp.hasClient(a.idpClientId)).toBe(true);

    // Keeping the IdP clients is a choice for a prune only.
    const alone = await gw.cli(["apply", "-f", "-", "--keep-idp-clients"], { input: onlyStd });
    expect(alone).toMatchObject({ code: 2, stderr: "error: --keep-idp-clients only applies with --prune\n" });
    const importing = (body: object) =>
      gw.api("/api/config/import", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ yaml: "providers: []\nservers: []\n", ...body }),
      });
    expect((await importing({ keepIdpClients: true })).status).toBe(400);
    const kept = await importing({ prune: true, keepIdpClients: true });
    expect(kept.status).toBe(200);
    const keptBody = await kept.json();
    expect(keptBody.deleted).toEqual(["server/tools", "provider/std"]);
    expect(keptBody).not.toHaveProperty("idpClients"); // nothing was done at the IdP
    expect(await idp.hasClient(a.idpClientId)).toBe(true);
  });
});
