// Issue acceptance, with the official SDK client through the gateway's facade: per-tool rules
// (allow, step-up to a scope the token lacks, deny), tools/list filtered, the 2026-07-28
// Mcp-Method/Mcp-Name headers checked against the body, a per-tool rate limit, and the audit
// trail through the admin API, kept across a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { UnauthorizedError } from "@modelcontextprotocol/sdk/client/auth.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { autoCleanup } from "./support/hooks";
import {
  completeLogin,
  CookieJar,
  startGateway,
  startIdp,
  startMcpServer,
  TestOAuthClient,
  type Gateway,
  type Idp,
} from "./support";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook, jwtClaims } from "./oauth-helpers";
import { waitFor } from "./rs-support";
import type { AuditEntry } from "../lib/audit/record";
import type { OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";

autoCleanup();

const REDIRECT = "http://127.0.0.1:41998/callback";

/**
 * A client that keeps no refresh token: holding one, the 1.x SDK answers a step-up challenge by refreshing,
 * which cannot add a scope, and gives up ("403 after trying upscoping"); without one it re-authorizes.
 */
class StepUpClient extends TestOAuthClient {
  override saveTokens(tokens: OAuthTokens) {
    const { refresh_token: _dropped, ...rest } = tokens;
    super.saveTokens(rest);
  }
}

type Seen = { status: number; wwwAuthenticate: string | null; retryAfter: string | null; body: string };

/** fetch for the SDK transport: records every refused response, and may add headers to each POST. */
function recordingFetch(seen: Seen[], addHeaders?: (body: Record<string, any>) => Record<string, string>) {
  return async (url: string | URL, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    if (addHeaders && typeof init?.body === "string")
      for (const [k, v] of Object.entries(addHeaders(JSON.parse(init.body)))) headers.set(k, v);
    const r = await fetch(url, { ...init, headers });
    if (!r.ok)
      seen.push({
        status: r.status,
        wwwAuthenticate: r.headers.get("www-authenticate"),
        retryAfter: r.headers.get("retry-after"),
        body: await r.clone().text(),
      });
    return r;
  };
}

describe("per-operation policy, rate limits and audit, with the MCP SDK client", () => {
  let idp: Idp;
  let gw: Gateway;
  let serverUrl: string;
  const dataDir = mkdtempSync(join(tmpdir(), "pc-policy-"));
  const jar = new CookieJar();
  const provider = new StepUpClient(REDIRECT);
  const seen: Seen[] = [];
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  let config: string;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    config = JSON.stringify({
      providers: [{ name: "std", kind: "generic", issuer: idp.issuer }],
      servers: [
        {
          name: "tools",
          upstream: upstream.url,
          oauth: { provider: "std", mode: "proxy", requiredScopes: ["mcp:read"] },
          resourceMetadata: { scopesSupported: ["mcp:read"] },
          policy: {
            rules: [
              { name: "no-whoami", names: ["whoami"], action: "deny" },
              { name: "writes", methods: ["tools/call"], names: ["add"], action: "require", scopes: ["mcp:write"] },
            ],
          },
          rateLimits: { perTool: [{ names: ["stream"], capacity: 3, refillPerSecond: 0.05 }] },
          audit: {},
        },
      ],
    });
    gw = await startGateway({ config, dataDir, env: { PORTCULLIS_NO_CONSOLE: "0" } });
    await idp.setRedirectUris([`${gw.url}/oauth/std/callback`]);
    serverUrl = `${gw.url}/servers/tools/mcp`;
    await runSdkAuthFlow({ serverUrl, client: provider, login: { jar, onPage: consentHook() } });
    expect(jwtClaims(provider.savedTokens!.access_token).scope).toBe("mcp:read");
    transport = new StreamableHTTPClientTransport(new URL(serverUrl), {
      authProvider: provider,
      fetch: recordingFetch(seen),
    });
    client = new Client({ name: "policy-test", version: "1.0.0" });
    await client.connect(transport);
  });
  afterAll(async () => {
    await client?.close();
    await gw?.stop();
    await idp?.close();
  });

  it("calls an allowed tool", async () => {
    const r = await client.callTool({ name: "echo", arguments: { text: "allowed" } });
    expect((r.content as { text: string }[])[0].text).toBe("allowed");
  });

  it("answers a tool that needs a missing scope with a step-up challenge, and calls it after re-authorizing", async () => {
    await expect(client.callTool({ name: "add", arguments: { a: 2, b: 3 } })).rejects.toThrow(UnauthorizedError);
    const challenge = seen.at(-1)!;
    expect(challenge.status).toBe(403);
    expect(challenge.wwwAuthenticate).toMatch(/^Bearer /);
    expect(challenge.wwwAuthenticate).toContain('error="insufficient_scope"');
    // Every scope the operation needs: the server's own and the rule's.
    expect(challenge.wwwAuthenticate).toContain('scope="mcp:read mcp:write"');
    expect(challenge.wwwAuthenticate).toContain(
      `resource_metadata="${gw.url}/.well-known/oauth-protected-resource/servers/tools/mcp"`,
    );
    // The SDK asked the "browser" to authorize with the challenge's scopes.
    expect(provider.authorizationUrl!.searchParams.get("scope")).toBe("mcp:read mcp:write");
    const login = await completeLogin(provider.authorizationUrl!.href, {
      redirectUri: REDIRECT,
      jar,
      onPage: consentHook(),
    });
    expect(login.error).toBeUndefined();
    await transport.finishAuth(login.code!);
    expect(jwtClaims(provider.savedTokens!.access_token).scope.split(" ")).toContain("mcp:write");
    const r = await client.callTool({ name: "add", arguments: { a: 2, b: 3 } });
    expect(r.structuredContent).toEqual({ sum: 5 });
  });

  it("refuses a denied tool with a JSON-RPC error naming the rule, and leaves it out of tools/list", async () => {
    await expect(client.callTool({ name: "whoami", arguments: {} })).rejects.toThrow(/403/);
    const refused = seen.at(-1)!;
    expect(refused.status).toBe(403);
    expect(refused.wwwAuthenticate).toBeNull();
    const body = JSON.parse(refused.body);
    expect(body).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -31403, message: 'tools/call whoami is denied by rule "no-whoami"', data: { rule: "no-whoami" } },
    });
    expect(typeof body.id).toBe("number");
    const { tools } = await client.listTools(); // the SDK server answers with an SSE stream: filtered event by event
    expect(tools.map((t) => t.name).sort()).toEqual(["add", "echo", "stream"]);
  });

  it("refuses Mcp-Method/Mcp-Name headers that disagree with the body with HeaderMismatch (-32020)", async () => {
    const mismatched: Seen[] = [];
    const lying = new Client({ name: "lying", version: "1.0.0" });
    await lying.connect(
      new StreamableHTTPClientTransport(new URL(serverUrl), {
        authProvider: provider,
        // An intermediary that routes on headers would see "echo"; the body calls "add".
        fetch: recordingFetch(mismatched, (b): Record<string, string> =>
          b.method === "tools/call" ? { "mcp-method": "tools/call", "mcp-name": "echo" } : { "mcp-method": b.method },
        ),
      }),
    );
    await expect(lying.callTool({ name: "add", arguments: { a: 1, b: 1 } })).rejects.toThrow(/-32020/);
    expect(mismatched.at(-1)!.status).toBe(400);
    expect(JSON.parse(mismatched.at(-1)!.body).error).toMatchObject({
      code: -32020,
      message: "Header mismatch: Mcp-Name header value 'echo' does not match body value 'add'",
    });
    await lying.close();

    // Headers that agree with the body (2026-07-28 style) pass.
    const honest = new Client({ name: "honest", version: "1.0.0" });
    await honest.connect(
      new StreamableHTTPClientTransport(new URL(serverUrl), {
        authProvider: provider,
        fetch: recordingFetch([], (b) => ({
          "mcp-method": b.method,
          ...(b.params?.name ? { "mcp-name": b.params.name } : {}),
        })),
      }),
    );
    const r = await honest.callTool({ name: "echo", arguments: { text: "headers ok" } });
    expect((r.content as { text: string }[])[0].text).toBe("headers ok");
    await honest.close();
  });

  it("answers a burst over a tool's rate limit with 429 and Retry-After", async () => {
    const results: (number | string)[] = [];
    for (let i = 0; i < 5; i++) {
      await client.callTool({ name: "stream", arguments: { count: 0, intervalMs: 0 } }).then(
        () => results.push(200),
        (e: Error) => results.push(e.message),
      );
    }
    expect(results.slice(0, 3)).toEqual([200, 200, 200]);
    expect(String(results[3])).toMatch(/429/);
    const limited = seen.at(-1)!;
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(JSON.parse(limited.body).error).toMatchObject({ code: -31429, data: { limit: "perTool stream" } });
  });

  /** The headers of a hand-made POST in the SDK client's session. */
  const sessionHeaders = () => ({
    authorization: `Bearer ${provider.savedTokens!.access_token}`,
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-session-id": transport.sessionId!,
    "mcp-protocol-version": "2025-06-18",
  });

  it("checks a batch element by element: one denied element refuses the batch, each id answered", async () => {
    const post = (body: unknown) =>
      fetch(serverUrl, { method: "POST", headers: sessionHeaders(), body: JSON.stringify(body) });
    const r = await post([
      { jsonrpc: "2.0", id: "a", method: "tools/call", params: { name: "echo", arguments: { text: "x" } } },
      { jsonrpc: "2.0", id: "b", method: "tools/call", params: { name: "whoami", arguments: {} } },
    ]);
    expect(r.status).toBe(403);
    expect(await r.json()).toEqual([
      {
        jsonrpc: "2.0",
        id: "a",
        error: { code: -31403, message: "Not executed: batch element 1 was refused" },
      },
      {
        jsonrpc: "2.0",
        id: "b",
        error: {
          code: -31403,
          message: 'tools/call whoami is denied by rule "no-whoami"',
          data: { rule: "no-whoami" },
        },
      },
    ]);
    const bad = await post("not json-rpc");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(-32600);
  });

  it("decides a chunked body (no Content-Length) and forwards it whole", async () => {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: "chunked",
      method: "tools/call",
      params: { name: "echo", arguments: { text: "sent in two chunks" } },
    });
    const bytes = new TextEncoder().encode(body);
    const r = await fetch(serverUrl, {
      method: "POST",
      headers: sessionHeaders(),
      body: new ReadableStream({
        start(c) {
          c.enqueue(bytes.subarray(0, 25));
          c.enqueue(bytes.subarray(25));
          c.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(r.status).toBe(200);
    expect(await r.text()).toContain("sent in two chunks");
  });

  const audit = async (g: Gateway, query = "") => {
    const r = await g.api(`/api/audit?server=tools&limit=1000${query}`);
    expect(r.status).toBe(200);
    return ((await r.json()) as { entries: AuditEntry[] }).entries;
  };

  it("records every call in the audit with its decision, never the token, and keeps it across a restart", async () => {
    const want = [
      ["tools/call", "echo", "allow", undefined],
      ["tools/call", "add", "challenge", "writes"],
      ["tools/call", "add", "allow", "writes"],
      ["tools/call", "whoami", "deny", "no-whoami"],
      ["tools/list", undefined, "allow", undefined],
      ["tools/call", "add", "invalid", undefined],
      ["tools/call", "stream", "rate_limited", undefined],
    ];
    const { value: entries } = await waitFor(async () => {
      const e = await audit(gw);
      return want.every(([m, n, d]) => e.some((x) => x.method === m && x.name === n && x.decision === d))
        ? e
        : undefined;
    }, 10_000);
    for (const [method, name, decision, rule] of want) {
      const e = entries.find((x) => x.method === method && x.name === name && x.decision === decision)!;
      expect(e.rule).toBe(rule);
      expect(e.server).toBe("tools");
      expect(e.subject).toBe("alice");
      expect(e.client).toBeTruthy();
      expect(e.latencyMs).toBeGreaterThan(0);
      expect(e.arguments).toBeUndefined(); // off by default
    }
    const statusOf = (decision: string) => entries.find((e) => e.name && e.decision === decision)?.status;
    expect(["allow", "challenge", "deny", "invalid", "rate_limited"].map(statusOf)).toEqual([200, 403, 403, 400, 429]);
    const text = JSON.stringify(entries);
    expect(text).not.toContain(provider.savedTokens!.access_token);
    expect(text).not.toContain(provider.savedTokens!.access_token.split(".")[2]);

    // Filters and export.
    // The SDK's whoami call, and both elements of the refused batch (a batch is refused whole).
    const denied = await audit(gw, "&outcome=deny");
    expect(denied.map((e) => e.name)).toEqual(["whoami", "echo", "whoami"]);
    expect(new Set(denied.map((e) => e.rule))).toEqual(new Set(["no-whoami"]));
    expect((await audit(gw, "&tool=add")).map((e) => e.decision).sort()).toEqual(["allow", "challenge", "invalid"]);
    const bad = await gw.api("/api/audit?outcome=maybe&from=yesterday");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: { path: string }[] } }).error.fields.map((f) => f.path)).toEqual([
      "outcome",
      "from",
    ]);
    const csv = await (await gw.api("/api/audit/export?format=csv&server=tools&outcome=deny")).text();
    expect(csv.trim().split("\r\n")).toHaveLength(1 + denied.length);
    expect(csv).toMatch(/^id,at,server,subject,client,method,name,decision,rule,status,latencyMs/);
    const json = (await (await gw.api("/api/audit/export?format=json&server=tools")).json()) as AuditEntry[];
    expect(json.length).toBe(entries.length);

    // The live log shows the MCP method and name, and the rule that refused a call.
    const live = (await (await gw.api("/api/requests?server=tools&limit=500")).json()) as {
      mcpMethod?: string;
      mcpName?: string;
      rule?: string;
    }[];
    expect(live).toContainEqual(expect.objectContaining({ mcpMethod: "tools/call", mcpName: "echo" }));
    expect(live).toContainEqual(
      expect.objectContaining({ mcpMethod: "tools/call", mcpName: "whoami", rule: "no-whoami" }),
    );

    // A restart (same database): everything is still there.
    await client.close();
    await gw.stop();
    gw = await startGateway({ config, dataDir, env: { PORTCULLIS_NO_CONSOLE: "0" } });
    const after = await audit(gw);
    expect(after.map((e) => e.id)).toEqual(expect.arrayContaining(entries.map((e) => e.id)));
  });
});
