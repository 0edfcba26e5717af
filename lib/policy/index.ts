export { compilePolicy, type CompiledPolicy } from "./compile";
export { decideOperation, explainOperation, isExempt, type RuleTrace } from "./decide";
export { callerOf } from "./caller";
export { ANONYMOUS, type Caller, type Operation, type PolicyDecision } from "./types";
