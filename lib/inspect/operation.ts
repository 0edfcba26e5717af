/**
 * "May this token call tool X on this server?": the token through the
 * proxy's own verification pipeline, then the server's rules on the
 * operation, with the rule that decided, why each earlier rule did not
 * match, and the scopes missing. Shared by the console and `POST /api/policy/check`.
 */
import { z } from "zod";
import { AppError } from "../errors";
import { slugSchema } from "../config/schema";
import type { Runtime } from "../runtime/types";
import { compileGate } from "../mcp/gate";
import { callerOf, explainOperation, type RuleTrace } from "../policy";

export const operationCheckSchema = z.strictObject({
  token: z
    .string()
    .trim()
    .min(1, "paste a token")
    .max(16 * 1024, "is longer than 16 KiB"),
  server: slugSchema,
  method: z.string().trim().min(1).max(200).default("tools/call"),
  name: z.string().trim().min(1, "name the tool, prompt or resource").max(2048).optional(),
});
export type OperationCheckInput = z.output<typeof operationCheckSchema>;

export type OperationCheck = {
  server: string;
  operation: { method: string; name?: string };
  /** What the proxy would do: forward, or refuse with this status. */
  allowed: boolean;
  status: 200 | 401 | 403;
  /** token_rejected: the token itself fails (see `token.failed`); no_rules: the server has no policy. */
  outcome: "allow" | "deny" | "challenge" | "token_rejected" | "no_rules";
  rule?: string;
  source?: "rule" | "default" | "exempt";
  neededScopes: string[];
  missingScopes: string[];
  trace: RuleTrace[];
  token: {
    verdict: "accept" | "reject";
    fingerprint: string;
    subject?: string;
    client?: string;
    scopes: string[];
    failed?: { code: string; message: string };
  };
};

export async function checkOperation(
  runtime: Runtime,
  input: OperationCheckInput,
  requestBase?: URL,
): Promise<OperationCheck> {
  const server = runtime.config.current().servers.get(input.server);
  if (!server) throw new AppError("not_found", `server "${input.server}" does not exist`);
  const token = input.token.replace(/^Bearer\s+/i, "");
  const d = await runtime.tokens.verifyForServer(input.server, token, { requestBase });
  const operation = { method: input.method, name: input.name };
  const base = {
    server: input.server,
    operation,
    token: {
      verdict: d.verdict,
      fingerprint: d.fingerprint,
      subject: d.subject,
      client: d.clientId,
      scopes: d.scopes,
      ...(d.failed ? { failed: { code: d.failed.code, message: d.failed.message } } : {}),
    },
  };
  if (d.verdict === "reject")
    return {
      ...base,
      allowed: false,
      status: d.httpStatus === 403 ? 403 : 401,
      outcome: "token_rejected",
      neededScopes: server.oauth?.requiredScopes ?? [],
      missingScopes: [],
      trace: [],
    };
  const policy = compileGate(server)?.policy;
  if (!policy)
    return { ...base, allowed: true, status: 200, outcome: "no_rules", neededScopes: [], missingScopes: [], trace: [] };
  const { decision, trace } = explainOperation(policy, operation, callerOf(d));
  return {
    ...base,
    allowed: decision.effect === "allow",
    status: decision.effect === "allow" ? 200 : 403,
    outcome: decision.effect,
    rule: decision.rule,
    source: decision.source,
    neededScopes: decision.effect === "challenge" ? [...decision.needed] : [],
    missingScopes: decision.effect === "challenge" ? [...decision.missing] : [],
    trace,
  };
}
