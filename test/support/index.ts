// Shared integration-test harness. See each module for details.
export { cleanup, freePort } from "./cleanup";
export { startIdp, completeLogin, pkcePair, CookieJar } from "./idp";
export type { Idp, IdpShape } from "./idp";
export { startMcpServer } from "./mcp-server";
export type { McpTestServer } from "./mcp-server";
export { startPostgres, skipWithoutPostgres } from "./postgres";
export type { TestPostgres } from "./postgres";
export { startGateway, REPO_ROOT } from "./gateway";
export type { Gateway } from "./gateway";
export { TestOAuthClient } from "./oauth-client";
export { sendUntilRefused } from "./rate-limit";
