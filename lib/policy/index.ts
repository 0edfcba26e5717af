export { compilePolicy, type CompiledPolicy } from "./compile";
export { decideOperation, explainOperation, type RuleTrace } from "./decide";
export { callerOf } from "./caller";
export { ANONYMOUS } from "./types";
