/** One condition of a rule: true when it holds, or when the rule does not use it. */
import type { CompiledPolicy, CompiledRule } from "../compile";
import type { Caller, Operation } from "../types";

export type MatchStepId = "method" | "name" | "scopes" | "subject" | "client" | "claims";

export type MatchStep = {
  id: MatchStepId;
  holds(rule: CompiledRule, op: Operation, caller: Caller, policy: CompiledPolicy): boolean;
};
