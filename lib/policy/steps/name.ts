/** The operation's name (tool, prompt, resource URI) matches one of the rule's `names`; unnamed operations never do. */
import type { MatchStep } from "./step";

export const nameStep: MatchStep = {
  id: "name",
  holds: (rule, op) => rule.names === undefined || (op.name !== undefined && rule.names.test(op.name)),
};
