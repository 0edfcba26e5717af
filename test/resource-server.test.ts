// The resource server end to end: real gateway process, real oidc-provider IdP, real SDK MCP server
// and the official SDK client. Tokens come from the IdP (client credentials) or, for the bad-token
// classes, from a local issuer whose JWKS the gateway fetches over loopback.
import http from "node:http";
import net from "node:net";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { beforeAll, describe, expect, it } from "vitest";
import { cleanup, freePort, listenLoopback } from "./support/cleanup";
import { startGateway, type Gateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp, type Idp } from "./support/idp";
import { startMcpServer, type McpTestServer } from "./support/mcp-server";
import { claims, connectClient, craft, LOCAL_ISSUER, startLocalIssuer, type LocalIssuer } from "./rs-support";

autoCleanup();

let idp: Idp;
let mcp: McpTestServer;
let local: LocalIssuer;
let gw: Gateway;
let port: number;
/** An upstream that answers every request with a status line Node parses but refuses to send on. */
let badStatusPort: number;
const url = (name: string) => `http://127.0.0.1:${port}/servers/${name}/mcp`;

beforeAll(async () => {
  [idp, mcp, local, port] = await Promise.all([
    startIdp({ shape: "standard" }),
    startMcpServer(),
    startLocalIssuer(),
    freePort(),
  ]);
  const badStatus = net.createServer((socket) =>
    socket.once("data", () =>
      socket.end("HTTP/1.1 200 O\x01K\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"),
    ),
  );
  badStatusPort = await listenLoopback(badStatus);
  cleanup.add("bad-status upstream", () => new Promise<void>((r) => badStatus.close(() => r())));
  const config = `
providers:
  - name: idp
    issuer: ${idp.issuer}
  - name: local
    issuer: ${LOCAL_ISSUER}
    jwksUrl: ${local.jwksUrl}
    clockSkewSeconds: 5
servers:
  - name: echo
    upstream: ${mcp.url}
    oauth: { provider: idp, mode: direct }
    upstreamAuth: { header: X-Upstream-Key, value: upstream-secret }
    resourceMetadata: { resourceName: Echo, resourceDocumentation: https://docs.example.com/echo, extra: { custom_field: 42 } }
  - name: strict
    upstream: ${mcp.url}
    oauth: { provider: local, mode: proxy, requiredScopes: [mcp:write] }
  - name: local
    upstream: ${mcp.url}
    oauth: { provider: local, mode: direct }
    maxBodyBytes: 2048
    allowedOrigins: [https://app.example.com]
  - name: optional
    upstream: ${mcp.url}
    oauth: { provider: local, enforcement: optional }
  - name: permissive
    upstream: ${mcp.url}
    oauth: { provider: local, enforcement: permissive }
  - name: down
    upstream: http://127.0.0.1:9/mcp
    auth: none
  - name: badstatus
    upstream: http://127.0.0.1:${badStatusPort}/mcp
    auth: none
`;
  // info: the access log's `outcome` carries the pipeline's code for each rejection.
  gw = await startGateway({ port, config, env: { LOG_LEVEL: "info" } });
});

const post = (path: string, init: { token?: string; headers?: Record<string, string>; body?: string } = {}) =>
  fetch(new URL(path, `http://127.0.0.1:${port}`), {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body:
      init.body ??
      JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
      }),
  });

describe("MCP through the gateway with the official SDK", () => {
  it("lists and calls tools with a client-credentials token from the IdP", async () => {
    const token = await idp.mintClientCredentialsToken({ resource: url("echo"), scope: "mcp:read" });
    const client = await connectClient(url("echo"), token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "echo", "stream", "whoami"]);
    const r = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
    expect(r.structuredContent).toEqual({ sum: 5 });
  });

  it("streams: the first notification arrives before the tool finishes", async () => {
    const token = await idp.mintClientCredentialsToken({ resource: url("echo") });
    const client = await connectClient(url("echo"), token);
    const arrivals: number[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, () => {
      arrivals.push(Date.now());
    });
    const r = await client.callTool({ name: "stream", arguments: { count: 5, intervalMs: 150 } });
    const finishedAt = (r.structuredContent as { finishedAt: number }).finishedAt;
    expect(arrivals.length).toBe(5);
    expect(arrivals[0]).toBeLessThan(finishedAt - 400);
  });

  it("the upstream never sees the client's token or cookies and sees identity headers and the upstream key", async () => {
    const token = await idp.mintClientCredentialsToken({ resource: url("echo"), scope: "mcp:read" });
    const client = await connectClient(url("echo"), token, {
      cookie: "portcullis_session=abc; other=1",
      "x-portcullis-subject": "admin",
      "x-upstream-key": "client-guess",
    });
    const r = await client.callTool({ name: "whoami", arguments: {} });
    const h = (r.structuredContent as { headers: Record<string, string> }).headers;
    expect(h.authorization).toBeUndefined();
    expect(h.cookie).toBeUndefined();
    expect(h["x-portcullis-subject"]).toBe(idp.clients.minter.clientId);
    expect(h["x-portcullis-client"]).toBe(idp.clients.minter.clientId);
    expect(h["x-portcullis-scopes"]).toContain("mcp:read");
    expect(h["x-upstream-key"]).toBe("upstream-secret");
    expect(h["x-forwarded-host"]).toBe(`127.0.0.1:${port}`);
    expect(h["x-forwarded-proto"]).toBe("http");
    expect(h.host).toBe(new URL(mcp.url).host);
  });
});

describe("challenges and metadata", () => {
  it("answers no token with 401 whose resource_metadata serves a document for the called URL", async () => {
    const r = await post("/servers/echo/mcp");
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ error: "unauthorized" });
    const www = r.headers.get("www-authenticate")!;
    expect(www).toMatch(/^Bearer resource_metadata="[^"]+"$/);
    expect(www).not.toContain("error=");
    const metaUrl = /resource_metadata="([^"]+)"/.exec(www)![1];
    expect(metaUrl).toBe(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/servers/echo/mcp`);
    const m = await fetch(metaUrl);
    expect(m.headers.get("access-control-allow-origin")).toBe("*");
    expect(m.headers.get("cache-control")).toMatch(/max-age/);
    expect(await m.json()).toEqual({
      resource: url("echo"),
      authorization_servers: [idp.issuer],
      resource_name: "Echo",
      resource_documentation: "https://docs.example.com/echo",
      bearer_methods_supported: ["header"],
      custom_field: 42,
    });
  });

  it("points proxy-mode metadata at the gateway's facade and challenges with the required scope", async () => {
    const r = await post("/servers/strict/mcp");
    expect(r.headers.get("www-authenticate")).toBe(
      `Bearer resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/servers/strict/mcp", scope="mcp:write"`,
    );
    const doc = await (
      await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/servers/strict/mcp`)
    ).json();
    expect(doc.authorization_servers).toEqual([`http://127.0.0.1:${port}/oauth/local`]);
    expect(doc.scopes_supported).toEqual(["mcp:write"]);
  });

  it("answers the metadata preflight with CORS *", async () => {
    const r = await fetch(`http://127.0.0.1:${port}/.well-known/oauth-protected-resource/servers/echo/mcp`, {
      method: "OPTIONS",
      headers: { origin: "https://anywhere.example", "access-control-request-method": "GET" },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("refuses tokens in the query string", async () => {
    const token = await local.sign(claims(url("local")));
    const seen = accessLog("local").length;
    const r = await post(`/servers/local/mcp?access_token=${token}`);
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({ error: "invalid_request" });
    expect(r.headers.get("www-authenticate")).toContain('error="invalid_request"');
    // Also keeps this line from landing after the next test has counted the log.
    expect(await outcomeAfter("local", seen)).toBe("refused:invalid_request");
  });
});

describe("bad tokens are rejected with the right code", () => {
  const cases: [string, () => Promise<string>, number, string][] = [
    ["expired", () => local.sign(claims(url("local"), { exp: Math.floor(Date.now() / 1000) - 120 })), 401, "expired"],
    ["wrong audience", () => local.sign(claims("https://other.example.com/mcp")), 401, "aud_mismatch"],
    ["audience of another server", () => local.sign(claims(url("strict"))), 401, "aud_mismatch"],
    ["wrong issuer", () => local.sign(claims(url("local"), { iss: `${LOCAL_ISSUER}/` })), 401, "iss_mismatch"],
    ["no exp", () => local.sign(claims(url("local"), { exp: undefined })), 401, "exp_missing"],
    [
      "not yet valid",
      () => local.sign(claims(url("local"), { nbf: Math.floor(Date.now() / 1000) + 600 })),
      401,
      "not_yet_valid",
    ],
    ["alg none", async () => craft({ alg: "none", typ: "at+jwt" }, claims(url("local"))), 401, "alg_none"],
    ["HMAC", async () => craft({ alg: "HS256", kid: "k1" }, claims(url("local")), "secret"), 401, "alg_hmac"],
    [
      "embedded jwk",
      () => local.sign(claims(url("local")), { jwk: { kty: "RSA", n: "x", e: "AQAB" } }),
      401,
      "header_jwk_embedded",
    ],
    ["jku", () => local.sign(claims(url("local")), { jku: "https://evil.example/jwks" }), 401, "header_jku_x5u"],
    ["unknown kid", () => local.sign(claims(url("local")), { kid: "nope" }), 401, "key_not_found"],
    ["bad signature", () => local.signWithOtherKey(claims(url("local"))), 401, "signature_invalid"],
    ["garbage", async () => "not-a-jwt", 401, "token_malformed"],
    ["ID token", () => local.sign(claims(url("local"), { nonce: "n", at_hash: "x" }), { typ: "JWT" }), 401, "id_token"],
  ];
  for (const [name, make, status, code] of cases) {
    it(`rejects: ${name} → ${status} ${code}`, async () => {
      const token = await make();
      const seen = accessLog("local").length;
      const r = await post("/servers/local/mcp", { token });
      expect(r.status).toBe(status);
      const www = r.headers.get("www-authenticate")!;
      expect(www).toContain('error="invalid_token"');
      expect(www).toMatch(/error_description="[^"]+"/);
      expect(await r.json()).toMatchObject({ error: "invalid_token" });
      expect(await outcomeAfter("local", seen)).toBe(`rejected:${code}`);
    });
  }

  it("answers a missing scope with 403 insufficient_scope, scope and resource_metadata", async () => {
    const token = await local.sign(claims(url("strict"), { scope: "mcp:read" }));
    const r = await post("/servers/strict/mcp", { token });
    expect(r.status).toBe(403);
    const www = r.headers.get("www-authenticate")!;
    expect(www).toContain('error="insufficient_scope"');
    expect(www).toContain('scope="mcp:write"');
    expect(www).toContain("resource_metadata=");
  });

  it("accepts a good local token (control)", async () => {
    const r = await post("/servers/local/mcp", { token: await local.sign(claims(url("local"))) });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
  });
});

const accessLog = (server: string) => gw.logLines().filter((l) => l.msg === "request" && l.server === server);

/** Outcome of the first access-log line for a server after `seen` lines (written when the response closes). */
async function outcomeAfter(server: string, seen: number): Promise<string | undefined> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const lines = accessLog(server);
    if (lines.length > seen) return lines[seen].outcome as string;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("enforcement modes", () => {
  it("optional: no token passes unauthenticated, a bad token is rejected", async () => {
    const ok = await post("/servers/optional/mcp");
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    const bad = await post("/servers/optional/mcp", { token: "not-a-jwt" });
    expect(bad.status).toBe(401);
  });

  it("permissive: a bad token passes", async () => {
    const r = await post("/servers/permissive/mcp", { token: await local.sign(claims("https://other.example.com")) });
    expect(r.status).toBe(200);
    await r.arrayBuffer();
  });
});

describe("proxy hygiene", () => {
  it("refuses a body over maxBodyBytes with 413 (Content-Length and chunked)", async () => {
    const token = await local.sign(claims(url("local")));
    const big = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(4000) } });
    const r1 = await post("/servers/local/mcp", { token, body: big });
    expect(r1.status).toBe(413);
    expect(await r1.json()).toMatchObject({ error: "payload_too_large" });

    const chunks = (async function* () {
      for (let i = 0; i < 8; i++) yield new TextEncoder().encode("x".repeat(1000));
    })();
    const r2 = await fetch(url("local"), {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: chunks as unknown as BodyInit,
      duplex: "half",
    } as RequestInit).catch((e) => e as Error);
    // The gateway answers 413 and closes; depending on timing fetch sees the 413 or a reset.
    if (r2 instanceof Response) expect(r2.status).toBe(413);
  });

  it("answers an unreachable upstream with 502 JSON", async () => {
    const r = await post("/servers/down/mcp");
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ error: "upstream_unavailable" });
  });

  it("answers an upstream status line it cannot relay with 502 JSON, and keeps serving", async () => {
    const r = await post("/servers/badstatus/mcp");
    expect(r.status).toBe(502);
    expect(await r.json()).toMatchObject({ error: "upstream_unavailable" });
    const again = await post("/servers/local/mcp", { token: await local.sign(claims(url("local"))) });
    expect(again.status).toBe(200);
    await again.arrayBuffer();
  });

  it("refuses a foreign browser Origin with 403 and allows configured ones with CORS", async () => {
    const token = await local.sign(claims(url("local")));
    const bad = await post("/servers/local/mcp", { token, headers: { origin: "http://attacker.example:3000" } });
    expect(bad.status).toBe(403);
    expect(await bad.json()).toMatchObject({ error: "forbidden_origin" });
    const rebinding = await fetch(url("local"), {
      method: "POST",
      headers: {
        origin: "http://attacker.example",
        host: "attacker.example",
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
      },
      body: "{}",
    });
    expect(rebinding.status).toBe(403);
    const good = await post("/servers/local/mcp", { token, headers: { origin: "https://app.example.com" } });
    expect(good.status).toBe(200);
    expect(good.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(good.headers.get("access-control-expose-headers")).toContain("Mcp-Session-Id");
    await good.arrayBuffer();
    const self = await post("/servers/local/mcp", { token, headers: { origin: `http://127.0.0.1:${port}` } });
    expect(self.status).toBe(200);
    await self.arrayBuffer();
  });

  it("answers a CORS preflight for an allowed origin without a token", async () => {
    const r = await fetch(url("local"), {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example.com",
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization, content-type, mcp-protocol-version",
      },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(r.headers.get("access-control-allow-headers")).toBe("authorization, content-type, mcp-protocol-version");
  });

  it("relays the upstream's status and headers and honours the client's keep-alive or close", async () => {
    const token = await local.sign(claims(url("local")));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (headers: Record<string, string> = {}) =>
      new Promise<{ res: http.IncomingMessage; reused: boolean; body: string; socketClosed: Promise<void> }>(
        (resolve, reject) => {
          const req = http.request(
            url("local"),
            {
              method: "POST",
              agent,
              headers: {
                "content-type": "application/json",
                accept: "application/json, text/event-stream",
                authorization: `Bearer ${token}`,
                ...headers,
              },
            },
            (res) => {
              const socketClosed = new Promise<void>((r) => res.socket.once("close", () => r()));
              let body = "";
              res.setEncoding("utf8").on("data", (c: string) => (body += c));
              res.on("end", () => resolve({ res, reused: req.reusedSocket, body, socketClosed }));
            },
          );
          req.on("error", reject);
          req.end(
            JSON.stringify({
              jsonrpc: "2.0",
              id: 1,
              method: "initialize",
              params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
            }),
          );
        },
      );
    try {
      const first = await send();
      expect(first.res.statusCode).toBe(200);
      expect(first.body).toContain('"serverInfo"');
      // Set by the upstream (the SDK server), relayed as is.
      expect(first.res.headers["mcp-session-id"]).toMatch(/./);
      expect(first.res.headers.connection).toBe("keep-alive");
      expect(first.res.headers["x-accel-buffering"]).toBe("no");
      const second = await send();
      expect(second.reused).toBe(true);
      // The client asks to close: the gateway says so and closes, instead of advertising keep-alive.
      const last = await send({ connection: "close" });
      expect(last.res.statusCode).toBe(200);
      expect(last.res.headers.connection).toBe("close");
      // The client only ends its side; the socket closes at once only if the gateway closes too (else after 65 s).
      await Promise.race([
        last.socketClosed,
        new Promise((_, reject) => setTimeout(() => reject(new Error("the gateway kept the connection open")), 2000)),
      ]);
    } finally {
      agent.destroy();
    }
  });

  it("sets X-Accel-Buffering: no on proxied responses and refuses other methods", async () => {
    const r = await post("/servers/local/mcp", { token: await local.sign(claims(url("local"))) });
    expect(r.headers.get("x-accel-buffering")).toBe("no");
    await r.arrayBuffer();
    const put = await fetch(url("local"), { method: "PUT", body: "{}" });
    expect(put.status).toBe(405);
  });
});
