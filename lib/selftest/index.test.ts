import { describe, expect, it } from "vitest";
import {
  asMetadataUrls,
  parseBearerChallenge,
  pathInserted,
  runSelftest,
  type HttpResult,
  type SelftestFetch,
} from "./index";
import type { Diagnosis } from "../tokens/types";

const pathInsertedUrl = (u: string) => pathInserted(u, "/.well-known/oauth-protected-resource");
const json = (status: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers: new Headers(headers),
  body: JSON.stringify(body),
});

describe("client's-eye self-test", () => {
  it("parses a Bearer challenge with quoted and escaped values", () => {
    expect(
      parseBearerChallenge(
        'Bearer resource_metadata="https://x/.well-known/oauth-protected-resource/a", error="invalid_token", error_description="a \\"b\\""',
      ),
    ).toEqual({
      resource_metadata: "https://x/.well-known/oauth-protected-resource/a",
      error: "invalid_token",
      error_description: 'a "b"',
    });
    expect(parseBearerChallenge('Basic realm="x"')).toBeNull();
  });

  it("discovers the authorization server in the SDK's order", () => {
    expect(asMetadataUrls("https://gw.example.com/oauth/kc")).toEqual([
      "https://gw.example.com/.well-known/oauth-authorization-server/oauth/kc",
      "https://gw.example.com/.well-known/openid-configuration/oauth/kc",
      "https://gw.example.com/oauth/kc/.well-known/openid-configuration",
    ]);
    expect(asMetadataUrls("https://idp.example.com")).toEqual([
      "https://idp.example.com/.well-known/oauth-authorization-server",
      "https://idp.example.com/.well-known/openid-configuration",
    ]);
    expect(pathInserted("https://h/servers/a/mcp", "/.well-known/oauth-protected-resource")).toBe(
      "https://h/.well-known/oauth-protected-resource/servers/a/mcp",
    );
  });

  it("highlights the first broken step: resource differs from the MCP URL", async () => {
    const mcp = "https://mcp.example.com/servers/a/mcp";
    const md = "https://mcp.example.com/.well-known/oauth-protected-resource/servers/a/mcp";
    const fetch: SelftestFetch = async (url) => {
      if (url === mcp)
        return json(401, { error: "unauthorized" }, { "www-authenticate": `Bearer resource_metadata="${md}"` });
      if (url === md)
        return json(200, {
          resource: "http://internal:3000/servers/a/mcp",
          authorization_servers: ["https://mcp.example.com/oauth/kc"],
        });
      if (url === "https://mcp.example.com/.well-known/oauth-authorization-server/oauth/kc")
        return json(200, {
          issuer: "https://mcp.example.com/oauth/kc",
          code_challenge_methods_supported: ["S256"],
          registration_endpoint: "https://mcp.example.com/oauth/kc/register",
        });
      return json(404, {});
    };
    const r = await runSelftest({
      server: "a",
      publicBase: "https://mcp.example.com",
      loopback: "http://127.0.0.1:1",
      mcpUrl: mcp,
      fetch,
    });
    expect(r.ok).toBe(false);
    expect(r.firstFailure).toBe("resource");
    expect(r.steps.find((s) => s.id === "resource")).toMatchObject({
      expected: mcp,
      actual: "http://internal:3000/servers/a/mcp",
    });
    expect(r.steps.find((s) => s.id === "pkce")?.status).toBe("pass");
  });

  it("notes, naming the client, the layouts known to break Claude.ai and Claude Code", async () => {
    const run = async (mcp: string, as: string) => {
      const origin = new URL(mcp).origin;
      const md = pathInsertedUrl(mcp);
      const fetch: SelftestFetch = async (url) => {
        if (url === mcp) return json(401, {}, { "www-authenticate": `Bearer resource_metadata="${md}"` });
        if (url === md) return json(200, { resource: mcp, authorization_servers: [as] });
        if (url === asMetadataUrls(as)[0])
          return json(200, {
            issuer: as,
            code_challenge_methods_supported: ["S256"],
            registration_endpoint: `${as}/register`,
          });
        return json(404, {});
      };
      return runSelftest({ server: "a", publicBase: origin, loopback: "http://127.0.0.1:1", mcpUrl: mcp, fetch });
    };
    const pathLayout = await run("https://gw.example.com/servers/a/mcp", "https://gw.example.com/oauth/kc");
    expect(pathLayout.clientNotes.map((n) => [n.id, n.client, n.actual])).toEqual([
      ["claude_ai_path", "Claude.ai", "/servers/a/mcp"],
      ["claude_code_issuer", "Claude Code", "https://gw.example.com/oauth/kc"],
    ]);
    // Notes are not steps: they leave the steps and the verdict as they are.
    expect(pathLayout.steps.some((s) => s.id.startsWith("claude"))).toBe(false);
    const hostLayout = await run("https://tools.example.com/mcp", "https://auth.example.com");
    expect(hostLayout.clientNotes).toEqual([]);
  });

  it("fails at the first step when the server answers without a token", async () => {
    const r = await runSelftest({
      server: "a",
      publicBase: "http://h",
      loopback: "http://127.0.0.1:1",
      mcpUrl: "http://h/servers/a/mcp",
      fetch: async () => json(200, {}),
    });
    expect(r.firstFailure).toBe("unauthenticated");
    expect(r.steps.slice(1).every((s) => s.status === "skip")).toBe(true);
  });
});

describe("self-test beyond discovery: the upstream and a client's token", () => {
  const mcp = "https://mcp.example.com/servers/a/mcp";
  const md = "https://mcp.example.com/.well-known/oauth-protected-resource/servers/a/mcp";
  const as = "https://mcp.example.com/oauth/kc";
  /** A gateway whose discovery is all correct; MCP requests with a token answer `withToken`. */
  const gateway =
    (seen: { method?: string; headers?: Record<string, string> }[], withToken = 200): SelftestFetch =>
    async (url, init = {}) => {
      seen.push({ method: init.method, headers: init.headers });
      if (url === mcp) {
        if (init.headers?.authorization) return json(withToken, {}, { "mcp-session-id": "s-1" });
        return json(401, {}, { "www-authenticate": `Bearer resource_metadata="${md}"` });
      }
      if (url === md) return json(200, { resource: mcp, authorization_servers: [as] });
      if (url === "https://mcp.example.com/.well-known/oauth-authorization-server/oauth/kc")
        return json(200, {
          issuer: as,
          code_challenge_methods_supported: ["S256"],
          registration_endpoint: `${as}/register`,
        });
      return json(404, {});
    };
  const base = { server: "a", publicBase: "https://mcp.example.com", loopback: "http://127.0.0.1:1", mcpUrl: mcp };
  const healthy = async () => ({
    reachable: true,
    healthy: true,
    status: 400,
    detail: "HTTP 400: answers MCP",
    ms: 1,
    checkedAt: "",
  });
  const step = (r: Awaited<ReturnType<typeof runSelftest>>, id: string) => r.steps.find((s) => s.id === id);
  /** The self-test of a server whose discovery is right and whose upstream answers, with `o` on top. */
  const run = (
    o: Partial<Parameters<typeof runSelftest>[0]>,
    seen: { method?: string; headers?: Record<string, string> }[] = [],
  ) => runSelftest({ ...base, fetch: gateway(seen), upstream: { url: "http://up/mcp" }, probe: healthy, ...o });

  it("never says all clear when the upstream refuses connections", async () => {
    const r = await runSelftest({
      ...base,
      fetch: gateway([]),
      upstream: { url: "http://127.0.0.1:9/mcp" },
      probe: async () => ({
        reachable: false,
        healthy: false,
        error: "ECONNREFUSED",
        detail: "unreachable: ECONNREFUSED",
        ms: 1,
        checkedAt: "",
      }),
    });
    expect(r.steps.slice(0, 10).every((s) => s.status === "pass")).toBe(true);
    expect(r).toMatchObject({ ok: false, firstFailure: "upstream" });
    expect(step(r, "upstream")).toMatchObject({ status: "fail", detail: "unreachable: ECONNREFUSED" });
  });

  it("fails on a rejected token with the inspector's reason and fix, and sends no request with it", async () => {
    const seen: { headers?: Record<string, string> }[] = [];
    const r = await run(
      {
        token: "the-token",
        verifyToken: async () =>
          ({
            verdict: "reject",
            httpStatus: 401,
            fingerprint: "abc",
            scopes: [],
            failed: {
              id: "aud",
              status: "fail",
              code: "aud_mismatch",
              message: "aud mcp-tools, account is not accepted by server a",
              actual: ["mcp-tools", "account"],
              hint: "Keycloak puts a client id in aud…",
              fix: {
                label: "Accept audience mcp-tools on server a",
                patch: { entity: "server", name: "a", append: {} },
              },
            },
          }) as unknown as Diagnosis,
      },
      seen,
    );
    expect(r).toMatchObject({ ok: false, firstFailure: "token" });
    expect(step(r, "token")).toMatchObject({
      status: "fail",
      detail: "rejected (401): aud mcp-tools, account is not accepted by server a",
      actual: '["mcp-tools","account"]',
    });
    expect(step(r, "token")?.hint).toContain("Fix: Accept audience mcp-tools on server a");
    expect(step(r, "request")?.status).toBe("skip");
    expect(seen.some((s) => s.headers?.authorization)).toBe(false);
  });

  it("sends one MCP request with an accepted token and closes the session it opened", async () => {
    const seen: { method?: string; headers?: Record<string, string> }[] = [];
    const accepted = async () =>
      ({ verdict: "accept", fingerprint: "abc", subject: "alice", scopes: ["read"] }) as unknown as Diagnosis;
    const r = await run({ token: "the-token", verifyToken: accepted }, seen);
    expect(r.ok).toBe(true);
    expect(step(r, "token")).toMatchObject({ status: "pass", detail: "accepted for alice · scopes read · token abc" });
    expect(step(r, "request")).toMatchObject({ status: "pass", detail: "HTTP 200 from the upstream" });
    const withToken = seen.filter((s) => s.headers?.authorization === "Bearer the-token");
    expect(withToken.map((s) => s.method)).toEqual(["POST", "DELETE"]);
    expect(withToken[1].headers?.["mcp-session-id"]).toBe("s-1");

    const failing = await run({ fetch: gateway([], 502), token: "t", verifyToken: accepted });
    expect(failing).toMatchObject({ ok: false, firstFailure: "request" });
    expect(step(failing, "request")?.hint).toMatch(/could not reach the upstream/);
  });

  it("without a token, warns when the provider's tokens may not name the server", async () => {
    const withAudience = (ready?: boolean) => run({ audience: { hint: "Keycloak ignores the resource URL…", ready } });
    const unknown = await withAudience(undefined);
    expect(unknown.ok).toBe(true);
    expect(step(unknown, "token")).toMatchObject({
      status: "warn",
      hint: "Keycloak ignores the resource URL… Paste a token to check.",
    });
    expect(step(await withAudience(true), "token")?.status).toBe("skip");
  });
});
