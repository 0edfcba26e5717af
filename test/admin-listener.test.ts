// ADMIN_PORT: the console and /api move to their own listener; the public port serves only MCP, the
// well-known documents, the OAuth facade and health (404 for `/`, `/api` and the console's pages).
// Without it, everything stays on one port. Both run the production bundle with the console.
import { describe, expect, it } from "vitest";
import { freePort } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp, type Idp } from "./support/idp";
import { startMinimalJsonRpcUpstream } from "./support/mcp-server";
import { MCP_HEADERS } from "./rs-support";

autoCleanup();

const config = (idp: Idp, upstream: string) => `
providers:
  - name: idp
    kind: generic
    issuer: ${idp.issuer}
    jwksUrl: ${idp.jwksUrl}
    clientId: ${idp.clients.gateway.clientId}
    clientSecret: ${idp.clients.gateway.clientSecret}
servers:
  - name: open
    upstream: ${upstream}
    auth: none
  - name: guarded
    upstream: ${upstream}
    oauth: { provider: idp, mode: proxy }
`;

const get = (base: string, path: string, headers: Record<string, string> = {}) =>
  fetch(new URL(path, base), { headers, redirect: "manual" });
const mcpCall = (base: string) =>
  fetch(new URL("/servers/open/mcp", base), {
    method: "POST",
    headers: MCP_HEADERS,
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    redirect: "manual",
  });

/** What the public side of any gateway must serve. */
async function expectPublicSurface(gw: Gateway) {
  expect((await mcpCall(gw.url)).status).toBe(200);
  const prm = await get(gw.url, "/.well-known/oauth-protected-resource/servers/guarded/mcp");
  expect(prm.status).toBe(200);
  expect(await prm.json()).toMatchObject({ resource: `${gw.url}/servers/guarded/mcp` });
  const facade = await get(gw.url, "/.well-known/oauth-authorization-server/oauth/idp");
  expect(facade.status).toBe(200);
  expect(await facade.json()).toMatchObject({ issuer: `${gw.url}/oauth/idp` });
  expect((await get(gw.url, "/healthz")).status).toBe(200);
  expect((await get(gw.url, "/readyz")).status).toBe(200);
}

describe("admin listener", () => {
  it("with ADMIN_PORT, serves the console and /api there and only the gateway on the public port", async () => {
    const [idp, upstream, adminPort] = await Promise.all([
      startIdp({ shape: "standard" }),
      startMinimalJsonRpcUpstream(),
      freePort(),
    ]);
    const gw = await startGateway({
      built: true,
      config: config(idp, upstream.url),
      env: { PORTCULLIS_NO_CONSOLE: "0", ADMIN_PORT: String(adminPort), ADMIN_HOST: "127.0.0.1", LOG_LEVEL: "info" },
    });
    const admin = `http://127.0.0.1:${adminPort}`;
    const auth = { authorization: `Bearer ${gw.adminToken}` };

    await expectPublicSurface(gw);
    for (const path of [
      "/",
      "/api",
      "/api/status",
      "/api/servers",
      "/api/auth/session",
      "/login",
      "/servers",
      "/_next/static/x.js",
    ]) {
      const r = await get(gw.url, path, auth);
      expect(r.status, path).toBe(404);
      expect(await r.json(), path).toEqual({ error: { code: "not_found", message: `no route for ${path}` } });
    }
    expect((await fetch(`${gw.url}/api/auth/login`, { method: "POST", body: "{}" })).status).toBe(404);

    expect((await get(admin, "/")).status).toBe(303);
    expect((await get(admin, "/")).headers.get("location")).toBe("/login");
    expect((await get(admin, "/login")).status).toBe(200);
    expect((await get(admin, "/api/status")).status).toBe(401);
    const status = await get(admin, "/api/status", auth);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ database: { ok: true }, gateway: { draining: false } });
    expect((await get(admin, "/api/servers", auth)).status).toBe(200);
    expect((await get(admin, "/readyz")).status).toBe(200);
    // The admin listener serves no MCP traffic: an MCP path is a console page there (sign-in first).
    expect((await mcpCall(admin)).status).toBe(303);
    expect(upstream.count).toBe(1); // only the call through the public port reached it
    expect(gw.logLines().find((l) => l.msg === "portcullis listening")).toMatchObject({
      url: gw.url,
      admin,
      console: true,
    });
  });

  it("without ADMIN_PORT, serves everything on one port", async () => {
    const [idp, upstream] = await Promise.all([startIdp({ shape: "standard" }), startMinimalJsonRpcUpstream()]);
    const gw = await startGateway({
      built: true,
      config: config(idp, upstream.url),
      env: { PORTCULLIS_NO_CONSOLE: "0" },
    });
    await expectPublicSurface(gw);
    expect((await get(gw.url, "/")).status).toBe(303);
    expect((await get(gw.url, "/login")).status).toBe(200);
    expect((await get(gw.url, "/api/status", { authorization: `Bearer ${gw.adminToken}` })).status).toBe(200);
  });

  it("refuses an admin port that is taken, naming ADMIN_PORT", async () => {
    const gw = await startGateway({ env: { LOG_LEVEL: "warn" } });
    // A fixed public port: startGateway retries other ports on EADDRINUSE only when it chose the port.
    const other = await startGateway({ port: await freePort(), env: { ADMIN_PORT: String(gw.port) } }).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(other).toMatch(
      /cannot listen on 127\.0\.0\.1:\d+: another process is using the port \(EADDRINUSE\); stop it, or set ADMIN_PORT to a free port/,
    );
  });
});
