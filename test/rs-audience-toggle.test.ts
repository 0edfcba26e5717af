// Authentik-style IdP (aud = client id): rejected until the server turns on includeClientIdInAudience,
// then accepted — applied to the database while the gateway runs (live config, no restart). The
// provider has no jwksUrl: the gateway finds the JWKS through the IdP's discovery document.
import { describe, expect, it } from "vitest";
import { freePort } from "./support/cleanup";
import { startGateway } from "./support/gateway";
import { autoCleanup } from "./support/hooks";
import { startIdp } from "./support/idp";
import { startMcpServer } from "./support/mcp-server";
import { applyToDatabase, connectClient, waitFor } from "./rs-support";

autoCleanup();

describe("includeClientIdInAudience", () => {
  it("turns an Authentik-style token (aud = client id) from rejected to accepted", async () => {
    const [idp, mcp, port] = await Promise.all([startIdp({ shape: "authentik" }), startMcpServer(), freePort()]);
    const clientId = idp.clients.minter.clientId;
    const yaml = (on: boolean) => `
providers:
  - name: ak
    kind: authentik
    issuer: ${idp.issuer}
    clientId: ${clientId}
servers:
  - name: tools
    upstream: ${mcp.url}
    oauth: { provider: ak, mode: direct, includeClientIdInAudience: ${on} }
`;
    const gw = await startGateway({
      port,
      config: yaml(false),
      env: { PORTCULLIS_CONFIG_POLL_MS: "300", LOG_LEVEL: "info" },
    });
    const url = `${gw.url}/servers/tools/mcp`;
    const token = await idp.mintClientCredentialsToken();
    expect(JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString()).aud).toBe(clientId);

    const call = () =>
      fetch(url, {
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
        }),
      });
    const rejected = await call();
    expect(rejected.status).toBe(401);
    expect(rejected.headers.get("www-authenticate")).toContain('error="invalid_token"');
    await gw.waitForLog("rejected:aud_is_client_id");

    await applyToDatabase(gw.baseEnv.DATABASE_URL, yaml(true));
    const { afterMs } = await waitFor(async () => {
      const r = await call();
      await r.arrayBuffer();
      return r.status === 200 ? true : undefined;
    }, 5000);
    expect(afterMs).toBeLessThan(5000);

    const client = await connectClient(url, token);
    expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    // Discovery found the Authentik JWKS: exactly one JWKS fetch for all of the above.
    expect(idp.count(new URL(idp.jwksUrl).pathname)).toBe(1);
  });
});
