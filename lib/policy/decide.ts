/**
 * Decides one operation: the first rule whose every step holds decides
 * (allow, deny, or require scopes); an operation no rule matches gets the
 * server default, except the protocol's housekeeping and list methods, which
 * stay allowed so that a deny-by-default server still lets clients connect
 * and list (list results are filtered per item, see lib/mcp/list-filter.ts).
 */
import type { CompiledPolicy, CompiledRule } from "./compile";
import { holdsScope, MATCH_STEPS, type MatchStepId } from "./steps";
import type { Caller, Operation, PolicyDecision } from "./types";

const EXEMPT_METHODS = new Set([
  "initialize",
  "ping",
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
]);
/** Allowed when no rule matches, whatever the default. */
export const isExempt = (method: string) => EXEMPT_METHODS.has(method) || method.startsWith("notifications/");

const EXEMPT: PolicyDecision = Object.freeze({ effect: "allow", source: "exempt" });
const DEFAULT_ALLOW: PolicyDecision = Object.freeze({ effect: "allow", source: "default" });
const DEFAULT_DENY: PolicyDecision = Object.freeze({ effect: "deny", source: "default" });

function ruleMatches(rule: CompiledRule, op: Operation, caller: Caller, policy: CompiledPolicy): boolean {
  for (let i = 0; i < MATCH_STEPS.length; i++) if (!MATCH_STEPS[i].holds(rule, op, caller, policy)) return false;
  return true;
}

function ruleDecision(rule: CompiledRule, caller: Caller, policy: CompiledPolicy): PolicyDecision {
  if (rule.action !== "require") return rule.decision!;
  const missing = rule.needed!.filter((s) => !holdsScope(caller, s, policy));
  if (missing.length === 0) return rule.decision!;
  return { effect: "challenge", source: "rule", rule: rule.name, needed: rule.needed!, missing };
}

function unmatched(policy: CompiledPolicy, op: Operation): PolicyDecision {
  if (isExempt(op.method)) return EXEMPT;
  return policy.defaultEffect === "allow" ? DEFAULT_ALLOW : DEFAULT_DENY;
}

export function decideOperation(policy: CompiledPolicy, op: Operation, caller: Caller): PolicyDecision {
  const rules = policy.rules;
  for (let i = 0; i < rules.length; i++)
    if (ruleMatches(rules[i], op, caller, policy)) return ruleDecision(rules[i], caller, policy);
  return unmatched(policy, op);
}

/** One rule's part in a decision: matched (and decided), or the first step that did not hold. */
export type RuleTrace = { rule: string; action: CompiledRule["action"]; matched: boolean; failedStep?: MatchStepId };

/** The decision with every rule looked at until it, for the inspector: why each earlier rule did not match. */
export function explainOperation(
  policy: CompiledPolicy,
  op: Operation,
  caller: Caller,
): { decision: PolicyDecision; trace: RuleTrace[] } {
  const trace: RuleTrace[] = [];
  for (const rule of policy.rules) {
    const failed = MATCH_STEPS.find((s) => !s.holds(rule, op, caller, policy));
    trace.push({ rule: rule.name, action: rule.action, matched: !failed, failedStep: failed?.id });
    if (!failed) return { decision: ruleDecision(rule, caller, policy), trace };
  }
  return { decision: unmatched(policy, op), trace };
}
