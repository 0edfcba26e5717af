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
import { argumentsText, type AuditDecision, type AuditRecord } from "../audit/record";
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

/** Makes the response filter of a forwarded request (list filtering), by the response's content type. */
export type ResponseFilter = NonNullable<ForwardOptions["responseFilter"]>;

/**
 * One request as the gate sees it. The proxy implements it as one object per request, with methods rather
 * than closures (hot path).
 */
export type GateRequest = {
  deps: GateDeps;
  server: string;
  gate: CompiledGate;
  maxBodyBytes: number;
  req: IncomingMessage;
  res: ServerResponse;
  log: GateLog;
  caller: Caller;
  peer: string | undefined;
  cors: Record<string, string> | undefined;
  /** The server's RFC 9728 document URL, for scope challenges. */
  resourceMetadata(): string;
  /** Forwards to the upstream: the body already read (else the request is streamed), and a list filter. */
  forward(body: Buffer | undefined, responseFilter: ResponseFilter | undefined): void;
  /** The outcome for the access log. */
  setOutcome(outcome: string): void;
  /** Something failed unexpectedly: a 502, or the connection closed if the response has started. */
  fail(e: unknown): void;
};

const NO_MESSAGES: readonly McpMessage[] = [];

export function runGate(g: GateRequest): void {
  if (!g.gate.readsBody) {
    if (!limited(g, NO_MESSAGES)) g.forward(undefined, undefined);
    return;
  }
  readBody(g.req, g.maxBodyBytes, g, gateBody, bodyFailed);
}

/** The body could not be read: too large (refused), or the client went away. */
function bodyFailed(g: GateRequest, e: unknown) {
  if (!(e instanceof McpRefusal)) {
    g.res.destroy(); // the client went away mid-body
    return;
  }
  // In the request's stream callbacks, like gateBody: a throw here must become a 502, not an uncaught error.
  try {
    g.log.operations = [{ decision: "invalid" }];
    refuse(g, e, { connectionClose: e.code === "payload_too_large" });
  } catch (failure) {
    g.fail(failure);
  }
}

function gateBody(g: GateRequest, body: Buffer) {
  try {
    decideBody(g, body);
  } catch (e) {
    g.fail(e);
  }
}

/** Parse, check the headers against the body, decide each message, take rate-limit tokens, forward. */
function decideBody(g: GateRequest, body: Buffer) {
  const { gate, log } = g;
  let parsed: ParsedBody | undefined;
  try {
    parsed = parseBody(body);
    checkMetadataHeaders(g.req.headers, parsed);
  } catch (e) {
    if (!(e instanceof McpRefusal)) throw e;
    if (parsed) describe(log, parsed);
    log.operations = parsed?.messages.map((m) => ({ method: m.method, name: m.name, decision: "invalid" })) ?? [
      { decision: "invalid" },
    ];
    return refuse(g, e, parsed ? { parsed } : {});
  }

  const messages = parsed.messages;
  describe(log, parsed);
  // One pass: each message's decision and audit record; the first denial, the challenges and the list
  // requests whose responses need filtering are kept only when there are any.
  const operations: OperationRecord[] = [];
  let denied = -1;
  let deniedBy: PolicyDecision | undefined;
  let challenges: Challenge[] | undefined;
  let targets: Map<JsonRpcId, ListKind> | undefined;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i];
    const d = decide(gate, m, g.caller);
    operations.push(operationOf(gate, m, d));
    if (d?.effect === "deny") {
      if (denied < 0) {
        denied = i;
        deniedBy = d;
      }
    } else if (d?.effect === "challenge") (challenges ??= []).push(d);
    else if (gate.policy?.canDeny && m.method && m.id !== undefined && isListMethod(m.method))
      (targets ??= new Map()).set(m.id, m.method);
  }
  log.operations = operations;

  if (deniedBy) {
    const m = messages[denied];
    const by = deniedBy.rule ? `rule "${deniedBy.rule}"` : "the server's default";
    const what = m.name ? `${m.method} ${m.name}` : m.method;
    const rule = deniedBy.rule ?? "(default)";
    return refuse(g, new McpRefusal("policy_denied", `${what} is denied by ${by}`, { rule }), {
      parsed,
      index: denied,
      rule,
    });
  }
  if (challenges) return challenge(g, challenges);
  if (limited(g, messages)) return;

  const policy = gate.policy;
  g.forward(
    body,
    targets && policy
      ? (contentType: string | undefined) =>
          listResponseFilter(
            contentType,
            targets,
            (usedBy, name) => decideOperation(policy, { method: usedBy, name }, g.caller).effect !== "deny",
          )
      : undefined,
  );
}

type Challenge = Extract<PolicyDecision, { effect: "challenge" }>;

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
function challenge(g: GateRequest, cs: Challenge[]) {
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
function limited(g: GateRequest, messages: readonly McpMessage[]): boolean {
  const limits = g.gate.limits;
  if (!limits) return false;
  const toolCalls = messages.flatMap((m) => (m.method === "tools/call" && m.name ? [m.name] : []));
  const count = messages.filter((m) => m.method !== undefined).length || 1;
  const who = callerKey(limits, g.caller, g.peer);
  const hit = takeForRequest(g.deps.limiter, g.server, limits, who, toolCalls, count);
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
  const ops = log.operations;
  const requestId = formatRequestId(log.seq); // once per request, however many operations a batch holds
  if (ops === undefined) {
    queue.push(auditRecord(server, requestId, log, undefined, decisionOfStatus(log.status), undefined, undefined));
    return;
  }
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    if (op.decision === "allow" && op.method === undefined) continue; // a client's response to the server
    queue.push(auditRecord(server, requestId, log, op, op.decision, op.rule, args ? op.arguments : undefined));
  }
}

/** One record, every field set in one literal (one object shape for every record: hot path). */
function auditRecord(
  server: string,
  requestId: string,
  log: GateLog,
  op: OperationRecord | undefined,
  decision: AuditDecision,
  rule: string | undefined,
  args: string | undefined,
): AuditRecord {
  return {
    id: auditRecordId(log.atMs),
    at: log.atMs,
    server,
    subject: log.subject,
    client: log.client,
    method: op?.method,
    name: op?.name,
    decision,
    rule,
    status: log.status,
    latencyMs: log.durationMs ?? NaN,
    requestId,
    fingerprint: log.fingerprint,
    arguments: args,
  };
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
