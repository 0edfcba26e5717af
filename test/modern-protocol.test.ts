// The 2026-07-28 protocol end to end: the v2 SDK client (@modelcontextprotocol/client 2.x) signs in
// through the facade (DCR, consent page, IdP login, code exchange) and calls a tool on a strictly
// modern upstream through the proxy. The client sends no initialize and gets no session; every POST
// carries Mcp-Method/Mcp-Name, which the proxy forwards unchanged.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auth, Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { autoCleanup } from "./support/hooks";
import { TestOAuthClient, type Gateway, type Idp } from "./support";
import { startModernMcpServer, type ModernMcpServer } from "./support/mcp-server-modern";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook } from "./oauth-helpers";
import { SHAPES, startShapeFacade } from "./idp-shapes";

autoCleanup();

// The package exports no ./package.json: read it beside its entry point (dist/).
const CLIENT_VERSION = JSON.parse(
  readFileSync(
    join(dirname(createRequire(import.meta.url).resolve("@modelcontextprotocol/client")), "..", "package.json"),
    "utf8",
  ),
).version as string;

describe(`the v2 client ${CLIENT_VERSION} speaks 2026-07-28 through the facade and the proxy`, () => {
  let upstream: ModernMcpServer;
  beforeAll(async () => {
    upstream = await startModernMcpServer();
  });

  for (const setup of [SHAPES.standard, SHAPES.keycloak, SHAPES.entra]) {
    describe(`at a ${setup.shape}-shaped IdP`, () => {
      let idp: Idp;
      let gw: Gateway;
      beforeAll(async () => {
        ({ idp, gw } = await startShapeFacade(setup, upstream.url));
      });
      afterAll(async () => {
        await gw?.stop();
        await idp?.close();
      });

      it("signs in through the facade and calls a tool statelessly, headers forwarded unchanged", async () => {
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        const oauth = new TestOAuthClient("http://127.0.0.1:41999/callback");
        const { tokens } = await runSdkAuthFlow({
          serverUrl,
          client: oauth,
          auth,
          login: { onPage: consentHook("approve") },
        });
        expect(oauth.clientInfo?.client_id).toMatch(/^pc_/);
        expect(tokens.access_token).toBeTruthy();

        const seenBefore = upstream.requests.length;
        const client = new Client(
          { name: "portcullis-v2-test", version: "1.0.0" },
          { versionNegotiation: { mode: { pin: "2026-07-28" } } },
        );
        const transport = new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: oauth });
        await client.connect(transport);
        const result = await client.callTool({ name: "echo", arguments: { text: `modern via ${setup.shape}` } });
        expect((result.content as { text: string }[])[0].text).toBe(`modern via ${setup.shape}`);
        await client.close();

        const seen = upstream.requests.slice(seenBefore).filter((r) => r.method === "POST");
        const methods = seen.map((r) => (r.body as { method?: string }).method);
        expect(methods).not.toContain("initialize");
        expect(methods).toContain("tools/call");
        for (const r of seen) {
          expect(r.headers["mcp-session-id"]).toBeUndefined();
          expect(r.headers["mcp-method"]).toBe((r.body as { method: string }).method);
          expect(r.headers["mcp-protocol-version"]).toBe("2026-07-28");
          // The client's token stays at the gateway.
          expect(r.headers.authorization).toBeUndefined();
        }
        const call = seen.find((r) => (r.body as { method: string }).method === "tools/call")!;
        expect(call.headers["mcp-name"]).toBe("echo");
      });
    });
  }
});
