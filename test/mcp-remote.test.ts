// mcp-remote, a real third-party client (stdio bridge, DCR at the facade, its own loopback
// callback), through the facade at every IdP shape. The IdPs issue refresh tokens only when
// offline_access was granted, which oidc-provider grants only to an authorization request that
// carried prompt=consent, as Entra and Auth0 do: mcp-remote asks for offline_access with
// prompt=consent, so its first sign-in yields a refresh token only if the facade forwards that
// prompt to the IdP after its own consent page. Then the access token expires, and the next start
// of mcp-remote refreshes it without a browser.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { cleanup, freePort, startMcpServer, type Gateway, type Idp } from "./support";
import { signIn } from "./support/cli-sign-in";
import { connectMcpRemote, MCP_REMOTE_VERSION } from "./support/mcp-remote";
import { SHAPES, startShapeFacade } from "./idp-shapes";

autoCleanup();

const TTL_SECONDS = 4;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (r: unknown) => (r as { content: { text: string }[] }).content[0].text;

describe(`mcp-remote ${MCP_REMOTE_VERSION}`, () => {
  let upstreamUrl: string;
  beforeAll(async () => {
    upstreamUrl = (await startMcpServer()).url;
  });

  for (const setup of Object.values(SHAPES)) {
    describe(`through the facade at a ${setup.shape}-shaped IdP`, () => {
      let idp: Idp;
      let gw: Gateway;
      let provider: string;
      beforeAll(async () => {
        ({ idp, gw, provider } = await startShapeFacade(setup, upstreamUrl, {
          idp: { accessTokenTtl: TTL_SECONDS, refreshTokens: "offline_access" },
          env: { LOG_LEVEL: "info" },
        }));
      });
      afterAll(async () => {
        await gw?.stop();
        await idp?.close();
      });

      it("the first sign-in yields a refresh token, and the next start refreshes without a browser", async () => {
        const serverUrl = `${gw.url}/servers/tools/mcp`;
        const configDir = mkdtempSync(join(tmpdir(), "portcullis-mcp-remote-"));
        cleanup.removeOnExit(configDir);
        const callbackPort = await freePort();
        const pages: string[] = [];

        const first = await connectMcpRemote({
          serverUrl,
          configDir,
          callbackPort,
          onAuthorize: (url) => signIn(url, { pages }),
        });
        expect(first.authorizationUrls).toHaveLength(1);
        const authUrl = new URL(first.authorizationUrls[0]);
        expect(authUrl.origin + authUrl.pathname).toBe(`${gw.url}/oauth/${provider}/authorize`);
        expect(authUrl.searchParams.get("client_id")).toMatch(/^pc_/); // registered at the facade (DCR)
        expect(authUrl.searchParams.get("redirect_uri")).toBe(`http://localhost:${callbackPort}/oauth/callback`);
        expect(authUrl.searchParams.get("prompt")).toBe("consent");
        expect(authUrl.searchParams.get("scope")?.split(" ")).toContain("offline_access");
        expect(pages).toHaveLength(1); // the gateway's consent page was shown

        expect(text(await first.client.callTool({ name: "echo", arguments: { text: "first" } }))).toBe("first");
        const before = first.tokens()!;
        expect(before.refresh_token, "no refresh token after the first sign-in").toBeTruthy();
        await first.close();
        const relayed = () => gw.logLines().filter((l) => l.msg === "token exchange relayed");
        const atFirstClose = relayed().length;

        await sleep(TTL_SECONDS * 1000 + 1000);
        const second = await connectMcpRemote({ serverUrl, configDir, callbackPort });
        expect(second.authorizationUrls).toEqual([]);
        expect(text(await second.client.callTool({ name: "echo", arguments: { text: "second" } }))).toBe("second");
        const after = second.tokens()!;
        expect(after.access_token).not.toBe(before.access_token);
        await second.close();

        // mcp-remote refreshes ahead of expiry, so with this short lifetime it may refresh more than once.
        const grants = relayed().map((l) => [l.grant, l.status]);
        expect(grants[0]).toEqual(["authorization_code", 200]);
        expect(grants.slice(atFirstClose)).toContainEqual(["refresh_token", 200]);
        expect(grants.filter(([, status]) => status !== 200)).toEqual([]);
      });
    });
  }
});
