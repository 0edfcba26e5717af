// The MCP Inspector's command line, a real third-party client, through the facade: v2 (on Node 22)
// runs the whole OAuth flow itself (discovery, DCR at the facade, PKCE, its loopback callback) and
// calls a tool; a second run in the same HOME reuses its stored token. v1 has no OAuth: it calls a
// tool with a bearer token the facade issued.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { freePort, startMcpServer, TestOAuthClient, type Gateway, type Idp } from "./support";
import { signIn } from "./support/cli-sign-in";
import { INSPECTOR_VERSIONS, runInspectorV1, runInspectorV2 } from "./support/inspector-cli";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook } from "./oauth-helpers";
import { SHAPES, startShapeFacade } from "./idp-shapes";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup } from "./support/cleanup";

autoCleanup();

type ToolResult = { content: { text: string }[] };
/** v2's --format json wraps the result in {"result": …}; v1 prints the result itself. */
const echoText = (json: unknown) => ((json as { result?: ToolResult }).result ?? (json as ToolResult)).content[0].text;

describe(`MCP Inspector CLI (v2 ${INSPECTOR_VERSIONS.v2} on Node ${INSPECTOR_VERSIONS.node22}, v1 ${INSPECTOR_VERSIONS.v1})`, () => {
  let upstreamUrl: string;
  beforeAll(async () => {
    upstreamUrl = (await startMcpServer()).url;
  });

  for (const setup of [SHAPES.standard, SHAPES.keycloak, SHAPES.entra]) {
    describe(`through the facade at a ${setup.shape}-shaped IdP`, () => {
      let idp: Idp;
      let gw: Gateway;
      let provider: string;
      beforeAll(async () => {
        ({ idp, gw, provider } = await startShapeFacade(setup, upstreamUrl));
      });
      afterAll(async () => {
        await gw?.stop();
        await idp?.close();
      });

      it("v2 signs in through the facade (DCR, loopback callback) and calls a tool; the next run reuses the token", async () => {
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        const home = mkdtempSync(join(tmpdir(), "portcullis-inspector-"));
        cleanup.removeOnExit(home);
        const callback = `http://127.0.0.1:${await freePort()}/oauth/callback`;
        const call = (text: string) => [
          serverUrl,
          "--method",
          "tools/call",
          "--tool-name",
          "echo",
          "--tool-arg",
          `text=${text}`,
          "--callback-url",
          callback,
          "--format",
          "json",
        ];
        const pages: string[] = [];
        const first = await runInspectorV2({ args: call("first"), home, onAuthorize: (url) => signIn(url, { pages }) });
        expect(first.code, first.stderr).toBe(0);
        expect(first.authorizationUrls).toHaveLength(1);
        const authUrl = new URL(first.authorizationUrls[0]);
        expect(authUrl.origin + authUrl.pathname).toBe(`${gw.url}/oauth/${provider}/authorize`);
        expect(authUrl.searchParams.get("client_id")).toMatch(/^pc_/);
        expect(authUrl.searchParams.get("redirect_uri")).toBe(callback);
        expect(pages).toHaveLength(1);
        expect(echoText(first.json)).toBe("first");

        const second = await runInspectorV2({ args: call("second"), home });
        expect(second.code, second.stderr).toBe(0);
        expect(second.authorizationUrls).toEqual([]);
        expect(echoText(second.json)).toBe("second");
      });

      it("v1 calls a tool with a token the facade issued", async () => {
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        const { tokens } = await runSdkAuthFlow({
          serverUrl,
          client: new TestOAuthClient("http://127.0.0.1:41999/callback"),
          login: { onPage: consentHook("approve") },
        });
        const args = [serverUrl, "--method", "tools/call", "--tool-name", "echo", "--tool-arg", "text=v1"];
        const r = await runInspectorV1({ args: [...args, "--header", `Authorization: Bearer ${tokens.access_token}`] });
        expect(r.code, r.stderr).toBe(0);
        expect(echoText(r.json)).toBe("v1");
        const refused = await runInspectorV1({ args });
        expect(refused.code).not.toBe(0);
        expect(refused.stderr).toContain("An access token is required");
      });
    });
  }
});
