/**
 * The client's-eye self-test: replay, step by step, what an MCP client (the
 * official SDK's `auth()`) does before it can get a token, and report the
 * first step that breaks. One step per file in steps/; this table owns their
 * order and titles. A step that returns `stop` leaves the rest "not reached".
 * Framework-free: used by `POST /api/servers/[name]/selftest`.
 */
import type { SelftestContext, Step } from "./context";
import { defaultFetch } from "./http";
import { checkAsDiscovery } from "./steps/as-discovery";
import { checkAuthorizationServers } from "./steps/authorization-servers";
import { checkChallenge } from "./steps/challenge";
import { checkClaudeAiPath } from "./clients/claude-ai-path";
import { checkClaudeCodeIssuer } from "./clients/claude-code-issuer";
import { checkIssuer } from "./steps/issuer";
import { checkMetadataAtChallengeUrl } from "./steps/metadata-header";
import { checkMetadataAtPathUrl } from "./steps/metadata-path";
import { checkPkce } from "./steps/pkce";
import { checkRegistration } from "./steps/registration";
import { checkRequest } from "./steps/request";
import { checkResource } from "./steps/resource";
import { checkToken } from "./steps/token";
import { checkUnauthenticated } from "./steps/unauthenticated";
import { checkUpstream } from "./steps/upstream";
import type { SelftestOptions, SelftestReport, SelftestStep } from "./types";

export { asMetadataUrls, parseBearerChallenge, pathInserted } from "./urls";
export type { HttpResult, SelftestFetch, SelftestReport, StepStatus } from "./types";

const STEPS: ReadonlyArray<readonly [id: string, title: string, step: Step]> = [
  ["unauthenticated", "MCP URL answers 401 without a token", checkUnauthenticated],
  ["challenge", "WWW-Authenticate names the metadata", checkChallenge],
  ["metadata_header", "Metadata at the challenge's URL", checkMetadataAtChallengeUrl],
  ["metadata_path", "Metadata at the path-inserted URL", checkMetadataAtPathUrl],
  ["resource", "resource equals the MCP URL", checkResource],
  ["authorization_servers", "An authorization server is named", checkAuthorizationServers],
  ["as_discovery", "Authorization-server metadata discovered", checkAsDiscovery],
  ["issuer", "issuer echoes the authorization-server URL", checkIssuer],
  ["pkce", "PKCE S256 supported", checkPkce],
  ["registration", "Clients can register", checkRegistration],
  ["upstream", "The upstream answers MCP", checkUpstream],
  ["token", "A client's token is accepted", checkToken],
  ["request", "An MCP request with the token reaches the upstream", checkRequest],
];

/** Layouts that work for the SDK but break a known client: noted apart from the steps, by client. */
const CLIENT_CHECKS = [checkClaudeAiPath, checkClaudeCodeIssuer];

export async function runSelftest(opts: SelftestOptions): Promise<SelftestReport> {
  const ctx: SelftestContext = {
    opts,
    get: opts.fetch ?? defaultFetch(opts.publicBase, opts.loopback, opts.timeoutMs ?? 5000, opts.selfConnections),
  };
  const steps: SelftestStep[] = [];
  let stopped = false;
  for (const [id, title, step] of STEPS) {
    if (stopped) {
      steps.push({ id, title, status: "skip", detail: "not reached" });
      continue;
    }
    const { stop, ...outcome } = await step(ctx);
    steps.push({ id, title, ...outcome });
    stopped = stop === true;
  }
  const first = steps.find((s) => s.status === "fail");
  const clientNotes = CLIENT_CHECKS.flatMap((check) => check(ctx) ?? []);
  return {
    server: opts.server,
    publicBase: opts.publicBase,
    mcpUrl: opts.mcpUrl,
    ok: !first,
    firstFailure: first?.id,
    steps,
    clientNotes,
    ranAt: new Date().toISOString(),
  };
}
