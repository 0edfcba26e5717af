/** The operation's MCP method matches one of the rule's `methods` (every method when it has none). */
import type { MatchStep } from "./step";

export const methodStep: MatchStep = {
  id: "method",
  holds: (rule, op) => rule.methods === undefined || rule.methods.test(op.method),
};
