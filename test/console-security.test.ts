// The token checks and the console against forged input, replayed against the real gateway with its console:
// the admin API refuses metadata and link-local upstreams by field (the schema the YAML loader and the console
// form share); the inspector and the live log offer no one-click fix computed from claims whose signature did
// not verify; event tokens without `typ` are refused as access tokens; a provider can require `typ: at+jwt`
// (RFC 9068), which round-trips through the API and YAML export; the odd tokens (alg spelled `nOnE`,
// 4 segments, over 16 KB) are refused at the proxy; an absolute-form request target
// (`GET http://evil.example/login`) is held to the allowed hosts, so the console never redirects off-origin;
// and Next's image optimizer cannot run admin API routes for a caller without a session.
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import {
  claims,
  craft,
  INIT_BODY,
  LOCAL_ISSUER,
  MCP_HEADERS,
  rawRequest,
  startLocalIssuer,
  type LocalIssuer,
} from "./rs-support";

autoCleanup();

let mcp: McpTestServer;
let local: LocalIssuer;
let gw: Gateway;
const url = (name: string) => `${gw.url}/servers/${name}/mcp`;
const json = (method: string, body: unknown) => ({
  method,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

beforeAll(async () => {
  if (!existsSync(join(REPO_ROOT, ".next", "BUILD_ID")))
    throw new Error("the console is not built: run `node scripts/build-if-stale.mjs` (npm test does)");
  [mcp, local] = await Promise.all([startMcpServer(), startLocalIssuer()]);
  gw = await startGateway({
    env: { PORTCULLIS_NO_CONSOLE: "0" },
    config: `
providers:
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
    clientId: gateway-client
servers:
  - name: guarded
    upstream: ${mcp.url}
    oauth: { provider: local }
`,
  });
});

const send = (name: string, token: string) =>
  rawRequest(url(name), {
    method: "POST",
    headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
    body: INIT_BODY,
  });

describe("the admin API refuses upstreams the address policy never allows", () => {
  it.each([
    ["http://169.254.169.254/latest/meta-data", "169.254.169.254 is a cloud metadata address (always blocked)"],
    ["http://[::ffff:a9fe:a9fe]/", "::ffff:a9fe:a9fe is a cloud metadata address (always blocked)"],
    ["http://169.254.0.1/mcp", "169.254.0.1 is a link-local address (always blocked)"],
    ["http://metadata.google.internal/", "metadata.google.internal is a cloud metadata endpoint (always blocked)"],
  ])("%s: 400 with a field error on upstream, on create and on replace", async (upstream, reason) => {
    const server = { name: "sneaky", upstream, auth: "none" };
    for (const [path, method] of [
      ["/api/servers", "POST"],
      ["/api/servers/guarded", "PUT"],
    ] as const) {
      const r = await gw.api(path, json(method, method === "PUT" ? { ...server, name: "guarded" } : server));
      expect(r.status, `${method} ${path}`).toBe(400);
      const { error } = await r.json();
      expect(error.fields).toEqual([{ path: "upstream", message: `${reason}: the gateway never proxies to it` }]);
    }
    expect((await gw.api("/api/servers/sneaky")).status).toBe(404);
    expect((await (await gw.api("/api/servers/guarded")).json()).upstream).toBe(mcp.url);
  });
});

describe("fixes are offered only for claims the IdP signed", () => {
  // The issuer differs from the provider's by a trailing slash: for a genuine token, a one-click fix.
  const nearIssuer = () => claims(url("guarded"), { iss: `${LOCAL_ISSUER}/` });

  it("the inspector offers the fix for a genuine token and none for the same claims under a forged signature", async () => {
    const inspect = async (token: string) => {
      const r = await gw.api("/api/inspect", json("POST", { token, server: "guarded" }));
      expect(r.status).toBe(200);
      return (await r.json()).diagnosis as { signatureVerified: boolean; checks: { id: string; fix?: unknown }[] };
    };
    const genuine = await inspect(await local.sign(nearIssuer()));
    expect(genuine.signatureVerified).toBe(true);
    expect(genuine.checks.find((c) => c.id === "iss")?.fix).toMatchObject({
      patch: { entity: "provider", name: "local", set: { issuer: `${LOCAL_ISSUER}/` } },
    });
    for (const forged of [
      await local.signWithOtherKey(nearIssuer()),
      await local.signWithOtherKey(claims("gateway-client")),
      craft({ alg: "none", typ: "at+jwt" }, nearIssuer()),
    ]) {
      const d = await inspect(forged);
      expect(d.signatureVerified).toBe(false);
      expect(d.checks.filter((c) => c.fix)).toEqual([]);
    }
  });

  it("a forged token sent to the proxy leaves no fix in the live log's stored diagnosis", async () => {
    const r = await send("guarded", await local.signWithOtherKey(nearIssuer()));
    expect(r.status).toBe(401);
    const list = await (await gw.api("/api/requests?server=guarded")).json();
    const entry = list.find((e: { code?: string }) => e.code === "signature_invalid");
    expect(entry).toBeDefined();
    const stored = await (await gw.api(`/api/requests/${entry.id}`)).json();
    expect(stored.diagnosis.checks.find((c: { id: string }) => c.id === "iss")).toMatchObject({
      status: "fail",
      unverified: true,
    });
    expect(stored.diagnosis.checks.filter((c: { fix?: unknown }) => c.fix)).toEqual([]);
  });
});

describe("tokens that are not access tokens", () => {
  it("refuses a back-channel logout token and a security event token that carry no typ", async () => {
    const logout = await local.sign(
      claims(url("guarded"), {
        jti: "l-1",
        sid: "s-1",
        events: { "http://schemas.openid.net/event/backchannel-logout": {} },
      }),
      { typ: undefined },
    );
    const set = await local.sign(
      claims(url("guarded"), {
        events: { "https://schemas.openid.net/secevent/risc/event-type/sessions-revoked": {} },
      }),
      { typ: undefined },
    );
    for (const token of [logout, set]) {
      const r = await send("guarded", token);
      expect(r.status).toBe(401);
      expect(r.headers["www-authenticate"]).toContain(
        'error="invalid_token", error_description="A logout or security event token is not an access token"',
      );
    }
  });

  it("refuses alg none in any spelling, 4-segment tokens, and tokens over 16 KB", async () => {
    for (const alg of ["None", "nOnE"]) {
      const r = await send("guarded", craft({ alg, typ: "at+jwt", kid: "k1" }, claims(url("guarded"))));
      expect(r.headers["www-authenticate"], alg).toContain('error_description="Unsigned tokens are not accepted"');
    }
    const fourParts = `${await local.sign(claims(url("guarded")))}.e30`;
    expect((await send("guarded", fourParts)).headers["www-authenticate"]).toContain(
      'error_description="The access token is not a valid JWT"',
    );
    const huge = await send("guarded", "e30.".repeat(4100));
    expect(huge.status).toBe(431); // Node's 16 KiB header limit: never read, never verified
    expect(gw.exited()).toBeUndefined();
  });
});

describe("a provider can require RFC 9068 access tokens (typ at+jwt)", () => {
  it("round-trips through the API and YAML export, and the proxy enforces it with a clear reason", async () => {
    const provider = await (await gw.api("/api/providers/local")).json();
    const { clientSecretSet: _s, updatedAt: _u, ...spec } = provider;
    const jwtTyped = await local.sign(claims(url("guarded")), { typ: "JWT" });
    expect((await send("guarded", jwtTyped)).status).toBe(200);

    expect((await gw.api("/api/providers/local", json("PUT", { ...spec, requireAtJwt: true }))).status).toBe(200);
    expect((await (await gw.api("/api/providers/local")).json()).requireAtJwt).toBe(true);
    const exported = await (await gw.api("/api/config/export")).text();
    expect(exported).toMatch(/- name: local\n(?: {4}.*\n)* {4}requireAtJwt: true\n/);

    await expect
      .poll(async () => (await send("guarded", jwtTyped)).headers["www-authenticate"] ?? "", { timeout: 10_000 })
      .toContain('error_description="The token type must be at+jwt"');
    expect((await send("guarded", await local.sign(claims(url("guarded"))))).status).toBe(200); // typ at+jwt

    const inspected = await (await gw.api("/api/inspect", json("POST", { token: jwtTyped, server: "guarded" }))).json();
    expect(inspected.diagnosis.failed).toMatchObject({ id: "typ", code: "typ_not_at_jwt" });
    expect(inspected.diagnosis.failed.hint).toContain("requireAtJwt");

    const back = await gw.api("/api/providers/local", json("PUT", spec));
    expect(back.status).toBe(200);
    expect((await back.json()).requireAtJwt).toBeUndefined();
  });
});

describe("a request target in absolute form names the request's host", () => {
  /** `GET http://host/path HTTP/1.1` (what a client sends a forward proxy), with a Host of the gateway's. */
  const absolute = (method: string, target: string) =>
    new Promise<{ status: number; location?: string; text: string }>((resolve, reject) => {
      const req = httpRequest(
        { host: "127.0.0.1", port: gw.port, method, path: target, headers: { host: `127.0.0.1:${gw.port}` } },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, location: res.headers.location, text }));
        },
      );
      req.on("error", reject);
      req.end(method === "POST" ? INIT_BODY : undefined);
    });

  it("is checked like Host, so a foreign one gets 421 and the console never redirects to it", async () => {
    for (const [method, path] of [
      ["GET", "/login"],
      ["GET", "/servers"],
      ["POST", "/servers/guarded/mcp"],
      ["GET", "/.well-known/oauth-protected-resource/servers/guarded/mcp"],
    ]) {
      const r = await absolute(method, `http://evil.example${path}`);
      expect(r.status, `${method} ${path}`).toBe(421);
      expect(r.location, `${method} ${path}`).toBeUndefined();
      expect(JSON.parse(r.text).error_description).toContain('"evil.example"');
    }
    // One of the gateway's own names in absolute form is served as the same request in origin form.
    const own = await absolute("GET", `http://127.0.0.1:${gw.port}/login`);
    expect(own.status).toBe(200);
    expect(own.location).toBeUndefined();
    expect(own.text).toContain("Sign in to Portcullis");
  });
});

describe("Next.js's image optimizer is no way around the console's sign-in", () => {
  it("never runs an admin API route for a caller without a session", async () => {
    // The optimizer fetches a local `url` by calling Next's own handler directly, past the gateway's gate.
    const probes = () => mcp.requests.filter((r) => r.method === "HEAD").length;
    const before = probes();
    for (const api of ["/api/status/upstream/guarded", "/api/config/export", "/api/requests"]) {
      const r = await rawRequest(`${gw.url}/_next/image?url=${encodeURIComponent(api)}&w=64&q=75`);
      expect(r.status, api).toBe(404);
      expect(r.text, api).not.toContain("valid image");
    }
    expect(probes()).toBe(before); // the upstream status route would have sent a HEAD probe
  });
});
