/** The caller holds every scope of `caller.scopes` (directly or through `impliedScopes`). */
import { holdsScope } from "./holds-scope";
import type { MatchStep } from "./step";

export const callerScopesStep: MatchStep = {
  id: "scopes",
  holds: (rule, _op, caller, policy) =>
    rule.callerScopes === undefined || rule.callerScopes.every((s) => holdsScope(caller, s, policy)),
};
