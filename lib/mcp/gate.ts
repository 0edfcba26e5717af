/**
 * The operation gate: what the proxy does with a POST to a server that has
 * rules, rate limits or audit, once the token is settled. In order:
 *   read the body (bounded) → parse the JSON-RPC messages → check the
 *   Mcp-Method/Mcp-Name headers against them → decide each message by the
 *   policy → take rate-limit tokens → forward the body, with a filter on
 *   list responses when the policy can deny.
 * The first step that refuses answers the client. Servers without any of the
 * three never get here (see compileGate), and a server with rate limits only
 * on callers is limited without reading the body.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RuntimeServer } from "../config/model";
import type { RequestLogRecord } from "../runtime/request-log";
import { compilePolicy, decideOperation, type CompiledPolicy } from "../policy";
import type { Caller, PolicyDecision } from "../policy/types";
import { compileLimits, callerKey, takeForRequest, type CompiledLimits } from "../rate-limit/mcp-limits";
import type { McpRateLimiter } from "../rate-limit/limiter";
import { sendBearerChallenge } from "../proxy/challenge";
import type { ForwardOptions } from "../proxy/upstream";
import type { AuditQueue } from "../audit/queue";
import { argumentsText, type AuditDecision } from "../audit/record";
import { auditRecordId } from "../audit/record-id";
import { formatRequestId } from "../http/request-id";
import { checkMetadataHeaders } from "./header-check";
import { isListMethod, listResponseFilter, type ListKind } from "./list-filter";
import { parseBody, type JsonRpcId, type McpMessage, type ParsedBody } from "./messages";
import { readBody } from "./read-body";
import { McpRefusal, sendRefusal } from "./refusal";

export type CompiledGate = {
  policy?: CompiledPolicy;
  limits?: CompiledLimits;
  audit?: { arguments: boolean };
  /** Policy, per-tool limits or audit need the messages. */
  readsBody: boolean;
};

/** Undefined for a server without rules, rate limits or audit: its requests take today's path. */
export function compileGate(server: RuntimeServer): CompiledGate | undefined {
  const p = server.policy;
  const policy =
    p && (p.rules.length > 0 || p.default === "deny")
      ? compilePolicy(p, server.auth === "oauth" ? (server.oauth?.requiredScopes ?? []) : [])
      : undefined;
  const limits = server.rateLimits ? compileLimits(server.rateLimits) : undefined;
  const audit = server.audit?.enabled ? { arguments: server.audit.arguments } : undefined;
  if (!policy && !limits && !audit) return undefined;
  return { policy, limits, audit, readsBody: Boolean(policy || audit || (limits && limits.perTool.length > 0)) };
}

export type GateDeps = { limiter: McpRateLimiter; audit?: AuditQueue };

/** One operation of a request, as the audit records it. */
export type OperationRecord = {
  method?: string;
  name?: string;
  decision: AuditDecision;
  rule?: string;
  arguments?: string;
};

/** The request-log record, with what the gate learnt (read by the audit at the end of the response). */
export type GateLog = RequestLogRecord & { operations?: OperationRecord[] };

export type GateRequest = {
  server: string;
  gate: CompiledGate;
  maxBodyBytes: number;
  req: IncomingMessage;
  res: ServerResponse;
  log: GateLog;
  caller: Caller;
  peer: string | undefined;
  /** The server's RFC 9728 document URL, for scope challenges. */
  resourceMetadata: () => string;
  cors: Record<string, string> | undefined;
  /** Forwards to the upstream (the proxy's forwarder, with the request's options). */
  forward: (extra: Pick<ForwardOptions, "body" | "responseFilter">) => void;
  /** The outcome for the access log. */
  setOutcome: (outcome: string) => void;
};

export async function runGate(deps: GateDeps, g: GateRequest): Promise<void> {
  const { gate, log } = g;
  if (!gate.readsBody) {
    if (limited(deps, g, [], 1)) return;
    return g.forward({});
  }
  let body: Buffer;
  let parsed: ParsedBody | undefined;
  try {
    body = await readBody(g.req, g.maxBodyBytes);
    parsed = parseBody(body);
    checkMetadataHeaders(g.req.headers, parsed);
  } catch (e) {
    if (!(e instanceof McpRefusal)) {
      g.res.destroy(); // the client went away mid-body
      return;
    }
    if (parsed) describe(log, parsed);
    log.operations = parsed?.messages.map((m) => ({ method: m.method, name: m.name, decision: "invalid" })) ?? [
      { decision: "invalid" },
    ];
    return refuse(g, e, parsed ? { parsed } : { connectionClose: e.code === "payload_too_large" });
  }

  const messages = parsed.messages;
  describe(log, parsed);
  const decisions = messages.map((m) => decide(gate, m, g.caller));
  log.operations = messages.map((m, i) => operationOf(gate, m, decisions[i]));

  const denied = decisions.findIndex((d) => d?.effect === "deny");
  if (denied >= 0) {
    const d = decisions[denied]!;
    const m = messages[denied];
    const by = d.rule ? `rule "${d.rule}"` : "the server's default";
    const what = m.name ? `${m.method} ${m.name}` : m.method;
    return refuse(g, new McpRefusal("policy_denied", `${what} is denied by ${by}`, { rule: d.rule ?? "(default)" }), {
      parsed,
      index: denied,
      rule: d.rule ?? "(default)",
    });
  }
  const challenges = decisions.filter(
    (d): d is Extract<PolicyDecision, { effect: "challenge" }> => d?.effect === "challenge",
  );
  if (challenges.length) return challenge(g, challenges);

  const toolCalls = messages.flatMap((m) => (m.method === "tools/call" && m.name ? [m.name] : []));
  if (limited(deps, g, toolCalls, messages.filter((m) => m.method !== undefined).length || 1)) return;

  const targets = new Map<JsonRpcId, ListKind>();
  if (gate.policy?.canDeny)
    for (const m of messages) if (m.method && m.id !== undefined && isListMethod(m.method)) targets.set(m.id, m.method);
  const policy = gate.policy;
  g.forward({
    body,
    responseFilter:
      targets.size && policy
        ? (contentType: string | undefined) =>
            listResponseFilter(
              contentType,
              targets,
              (usedBy, name) => decideOperation(policy, { method: usedBy, name }, g.caller).effect !== "deny",
            )
        : undefined,
  });
}

/** What the live log shows: the method and name, or the batch's size. */
function describe(log: GateLog, parsed: ParsedBody) {
  const first = parsed.messages.find((m) => m.method !== undefined);
  log.mcpMethod = parsed.batch ? `batch of ${parsed.messages.length}` : first?.method;
  log.mcpName = parsed.batch ? undefined : first?.name;
}

function decide(gate: CompiledGate, m: McpMessage, caller: Caller): PolicyDecision | undefined {
  if (m.method === undefined || !gate.policy) return undefined; // a response, or no rules: allowed
  return decideOperation(gate.policy, { method: m.method, name: m.name }, caller);
}

function operationOf(gate: CompiledGate, m: McpMessage, d: PolicyDecision | undefined): OperationRecord {
  return {
    method: m.method,
    name: m.name,
    decision: d?.effect ?? "allow",
    rule: d?.rule,
    arguments: gate.audit?.arguments && m.method === "tools/call" ? argumentsText(m.params) : undefined,
  };
}

/** Every operation of the request gets the same decision (the request is refused or forwarded whole). */
function markAll(log: GateLog, decision: AuditDecision, rule?: string) {
  for (const op of log.operations ?? []) {
    op.decision = decision;
    if (rule !== undefined) op.rule = rule;
  }
}

function refuse(
  g: GateRequest,
  e: McpRefusal,
  at: { parsed?: ParsedBody; index?: number; rule?: string; connectionClose?: boolean },
) {
  const { log } = g;
  if (e.code !== "policy_denied") markAll(log, e.code === "rate_limited" ? "rate_limited" : "invalid");
  else markAll(log, "deny", at.rule);
  log.outcome = "rejected";
  log.code = e.code;
  log.reason = e.message;
  log.rule = at.rule;
  g.setOutcome(`refused:${e.code}`);
  const parsed = at.parsed;
  const headers = { ...g.cors, ...(at.connectionClose ? { connection: "close" } : {}) };
  if (parsed?.batch) {
    const ids = parsed.messages.filter((m) => m.id !== undefined).map((m) => m.id!);
    const refusedId = parsed.messages[at.index ?? 0]?.id;
    return sendRefusal(g.res, e, { batch: { ids, refusedIndex: Math.max(0, ids.indexOf(refusedId!)) }, headers });
  }
  sendRefusal(g.res, e, { id: parsed?.messages[at.index ?? 0]?.id ?? null, headers });
}

/** Missing scopes: one challenge naming every scope the refused operations need (RFC 6750 §3.1, MCP step-up). */
function challenge(g: GateRequest, cs: Extract<PolicyDecision, { effect: "challenge" }>[]) {
  const { log } = g;
  const needed = [...new Set(cs.flatMap((c) => c.needed))];
  const missing = [...new Set(cs.flatMap((c) => c.missing))];
  const rules = [...new Set(cs.map((c) => c.rule))];
  markAll(log, "challenge", rules[0]);
  const description = `This operation needs scope ${missing.join(" ")} (rule ${rules.join(", ")})`;
  const anonymous = !g.caller.authenticated;
  log.outcome = "rejected";
  log.code = anonymous ? "no_token" : "insufficient_scope";
  log.reason = description;
  log.rule = rules.join(", ");
  g.setOutcome(`rejected:${log.code}`);
  // No token at all: a 401 that says which scopes to ask for, as for any anonymous request.
  sendBearerChallenge(
    g.res,
    anonymous ? 401 : 403,
    {
      resourceMetadata: g.resourceMetadata(),
      error: anonymous ? undefined : "insufficient_scope",
      errorDescription: description,
      scope: needed,
    },
    g.cors,
  );
}

/** True when a rate limit refused the request (and answered it). */
function limited(deps: GateDeps, g: GateRequest, toolCalls: readonly string[], messages: number): boolean {
  const limits = g.gate.limits;
  if (!limits) return false;
  const who = callerKey(limits, g.caller, g.peer);
  const hit = takeForRequest(deps.limiter, g.server, limits, who, toolCalls, messages);
  if (!hit) return false;
  const seconds = Math.max(1, Math.ceil(hit.retryAfterMs / 1000));
  g.log.operations ??= [{ method: g.log.mcpMethod, decision: "rate_limited" }];
  const e = new McpRefusal("rate_limited", `Rate limit exceeded (${hit.limit}); retry in ${seconds} s`, {
    retryAfterSeconds: seconds,
    limit: hit.limit,
  });
  const { log } = g;
  markAll(log, "rate_limited");
  log.outcome = "rejected";
  log.code = "rate_limited";
  log.reason = e.message;
  g.setOutcome("refused:rate_limited");
  sendRefusal(g.res, e, { headers: { ...g.cors, "retry-after": String(seconds) } });
  return true;
}

/** The audit records of a finished request on an audited server (one per operation). */
export function auditRequest(queue: AuditQueue, server: string, log: GateLog, args: boolean): void {
  if (log.method !== "POST") return;
  const base = {
    at: log.atMs,
    server,
    subject: log.subject,
    client: log.client,
    status: log.status,
    latencyMs: log.durationMs ?? NaN,
    requestId: formatRequestId(log.seq),
    fingerprint: log.fingerprint,
  };
  const ops = log.operations ?? [{ decision: decisionOfStatus(log.status) }];
  for (const op of ops) {
    if (op.decision === "allow" && op.method === undefined && log.operations) continue; // a client's response
    queue.push({
      id: auditRecordId(log.atMs),
      ...base,
      method: op.method,
      name: op.name,
      decision: op.decision,
      rule: op.rule,
      arguments: args ? op.arguments : undefined,
    });
  }
}

/** A request refused before the gate read it: by its token (401/403), or as malformed. */
const decisionOfStatus = (status: number): AuditDecision =>
  status === 401 || status === 403
    ? "rejected"
    : status === 429
      ? "rate_limited"
      : status >= 400 && status < 500
        ? "invalid"
        : "allow";
