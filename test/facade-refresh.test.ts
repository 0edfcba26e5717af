// Refresh through the facade with the scope the IdP returned. Entra answers `scope:
// api://<app>/read:all …`; clients send that back on refresh, and the facade must not map it a
// second time (api://<app>/api://<app>/read:all is invalid_scope at Entra).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { startGateway, startIdp, startMcpServer, TestOAuthClient, type Gateway, type Idp } from "./support";
import { runSdkAuthFlow } from "./support/oauth-client";
import { consentHook, facadeConfig, jwtClaims } from "./oauth-helpers";

autoCleanup();

describe("refresh through the facade at an Entra-shaped IdP", () => {
  let idp: Idp;
  let gw: Gateway;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "entra" });
    gw = await startGateway({
      config: facadeConfig(
        {
          name: "entra",
          kind: "entra",
          issuer: idp.issuer,
          clientId: idp.clients.gateway.clientId,
          clientSecret: idp.clients.gateway.clientSecret,
        },
        { upstream: upstream.url, includeClientIdInAudience: true },
      ),
    });
    await idp.setRedirectUris([`${gw.url}/oauth/entra/callback`]);
  });
  afterAll(async () => {
    await gw?.stop();
    await idp?.close();
  });

  it("sends the returned api://<app>/<scope> back unchanged and gets a new token", async () => {
    const app = idp.clients.gateway.clientId;
    const { tokens, client } = await runSdkAuthFlow({
      serverUrl: `${gw.url}/servers/tools/mcp`,
      client: new TestOAuthClient("http://127.0.0.1:41999/callback"),
      scope: "read:all offline_access",
      login: { onPage: consentHook("approve") },
    });
    expect(tokens.refresh_token).toBeTruthy();
    expect(tokens.scope?.split(" ")).toContain(`api://${app}/read:all`);

    const r = await gw.fetch("/oauth/entra/token", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: tokens.refresh_token!,
        client_id: client.clientInfo!.client_id,
        scope: tokens.scope!,
      }),
    });
    const body = (await r.json()) as Record<string, string>;
    expect(body.error_description ?? "").toBe("");
    expect(r.status).toBe(200);
    expect(jwtClaims(body.access_token)).toMatchObject({ scp: "read:all", aud: app });
  });
});
