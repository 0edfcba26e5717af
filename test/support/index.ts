// Shared integration-test harness. See each module for details.
export { cleanup, freePort, listenLoopback, closeHttpServer } from "./cleanup";
export { startIdp, completeLogin, pkcePair, CookieJar } from "./idp";
export type { Idp, IdpShape, IdpClient, StartIdpOptions, CompleteLoginOptions, LoginResult, TokenResponse } from "./idp";
export { startMcpServer, startMinimalJsonRpcUpstream, startSseUpstream, preciseNow, keepAliveAgent } from "./mcp-server";
export type { McpTestServer, StartMcpServerOptions, MinimalUpstream, SseUpstream, SeenRequest } from "./mcp-server";
export { startPostgres, hasPostgres, skipWithoutPostgres, findPgBin, POSTGRES_INSTALL_HINT } from "./postgres";
export type { TestPostgres } from "./postgres";
export { startGateway, runCli, REPO_ROOT } from "./gateway";
export type { Gateway, StartGatewayOptions, CliResult } from "./gateway";
export { TestOAuthClient, runSdkAuthFlow } from "./oauth-client";
export { sendUntilRefused } from "./rate-limit";
export type { Burst } from "./rate-limit";
