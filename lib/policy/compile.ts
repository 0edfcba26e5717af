/**
 * Turns a server's policy config into what the hot path evaluates: globs
 * compiled, the scope hierarchy inverted, and the decisions a rule can return
 * allocated once (an allowed operation allocates nothing).
 */
import type { PolicyConfig, PolicyRule } from "../config/schema";
import { compileGlobs, type GlobSet } from "./glob";
import type { PolicyDecision } from "./types";

export type CompiledRule = {
  name: string;
  action: PolicyRule["action"];
  methods?: GlobSet;
  names?: GlobSet;
  callerScopes?: readonly string[];
  subjects?: GlobSet;
  clients?: GlobSet;
  claims?: ReadonlyArray<readonly [claim: string, patterns: GlobSet]>;
  /** `require`: the rule's scopes; `needed`: those plus the server's required scopes (what a challenge names). */
  requires?: readonly string[];
  needed?: readonly string[];
  /** The rule's allow or deny decision, shared by every operation it decides. */
  decision?: PolicyDecision;
};

export type CompiledPolicy = {
  rules: readonly CompiledRule[];
  defaultEffect: "allow" | "deny";
  /** scope → the held scopes that imply it. */
  impliedBy: ReadonlyMap<string, readonly string[]>;
  /** Some operation may be denied: list responses need filtering. */
  canDeny: boolean;
};

export function compilePolicy(config: PolicyConfig, serverScopes: readonly string[] = []): CompiledPolicy {
  const impliedBy = new Map<string, string[]>();
  for (const [broad, narrow] of Object.entries(config.impliedScopes))
    for (const s of narrow) impliedBy.set(s, [...(impliedBy.get(s) ?? []), broad]);
  const rules = config.rules.map((r): CompiledRule => {
    const c = r.caller;
    return {
      name: r.name,
      action: r.action,
      methods: r.methods ? compileGlobs(r.methods) : undefined,
      names: r.names ? compileGlobs(r.names) : undefined,
      callerScopes: c?.scopes,
      subjects: c?.subjects ? compileGlobs(c.subjects) : undefined,
      clients: c?.clients ? compileGlobs(c.clients) : undefined,
      claims: c?.claims ? Object.entries(c.claims).map(([k, v]) => [k, compileGlobs(v)] as const) : undefined,
      requires: r.scopes,
      needed: r.scopes ? [...new Set([...serverScopes, ...r.scopes])] : undefined,
      decision:
        r.action === "require"
          ? Object.freeze({ effect: "allow", source: "rule", rule: r.name } as const)
          : Object.freeze({ effect: r.action, source: "rule", rule: r.name } as const),
    };
  });
  return {
    rules,
    defaultEffect: config.default,
    impliedBy,
    canDeny: config.default === "deny" || rules.some((r) => r.action === "deny"),
  };
}
