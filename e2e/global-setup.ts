/**
 * Starts what the console specs need and tells them where through env vars:
 * a fresh console build (when sources changed), a real IdP (Authentik-shaped:
 * access tokens carry the client id in `aud`), a second one shaped like
 * Keycloak with an audience mapper (`aud: [mcp-tools, account]`), a real MCP
 * server, and the gateway with its console on a temp SQLite database.
 * Returns the teardown.
 */
import { existsSync } from "node:fs";
import type { FullConfig } from "@playwright/test";
import { startGateway, startIdp, startMcpServer, cleanup } from "../test/support/index";

export const ADMIN_PASSWORD = "e2e-admin-password";

export default async function globalSetup(_config: FullConfig) {
  const chromium = process.env.E2E_CHROMIUM ?? "/usr/bin/chromium";
  if (!existsSync(chromium))
    throw new Error(`Chromium not found at ${chromium}: apt-get install -y chromium (see ENVIRONMENT.md)`);
  const t0 = Date.now();
  if (!process.env.E2E_SKIP_BUILD) {
    // The same staleness check as `npm start` (scripts/build-if-stale.mjs): rebuilds only when console sources changed.
    const script: string = "../scripts/build-if-stale.mjs";
    const { buildIfStale } = (await import(script)) as { buildIfStale: () => Promise<boolean> };
    await buildIfStale();
  }
  const built = Date.now();

  const idp = await startIdp({ shape: "authentik" });
  const keycloak = await startIdp({ shape: "keycloak", audience: ["mcp-tools", "account"] });
  const mcp = await startMcpServer();
  const gw = await startGateway({
    env: {
      PORTCULLIS_NO_CONSOLE: undefined,
      ADMIN_PASSWORD,
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
    },
    readyTimeoutMs: 120_000,
    echo: Boolean(process.env.E2E_ECHO),
  });

  // Tokens are minted here (the IdP lives in this process) and handed to the specs.
  const clientIdToken = await idp.mintClientCredentialsToken({ clientId: idp.clients.gateway.clientId });
  const otherToken = await idp.mintClientCredentialsToken();
  const keycloakToken = await keycloak.mintClientCredentialsToken({ clientId: keycloak.clients.gateway.clientId });

  Object.assign(process.env, {
    E2E_BASE_URL: gw.url,
    E2E_ADMIN_PASSWORD: ADMIN_PASSWORD,
    E2E_ADMIN_TOKEN: gw.adminToken,
    E2E_IDP_ISSUER: idp.issuer,
    E2E_CLIENT_ID: idp.clients.gateway.clientId,
    E2E_UPSTREAM: mcp.url,
    E2E_TOKEN_AUD_CLIENT_ID: clientIdToken,
    E2E_TOKEN_OTHER: otherToken,
    E2E_KC_ISSUER: keycloak.issuer,
    E2E_KC_CLIENT_ID: keycloak.clients.gateway.clientId,
    E2E_TOKEN_KEYCLOAK: keycloakToken,
  });
  console.log(
    `e2e: build ${Math.round((built - t0) / 1000)} s, gateway ${gw.url} ready after ${Math.round((Date.now() - built) / 1000)} s`,
  );

  return async () => {
    await gw.stop().catch(() => {});
    await mcp.close().catch(() => {});
    await idp.close().catch(() => {});
    await keycloak.close().catch(() => {});
    await cleanup.runAll().catch(() => {});
  };
}
