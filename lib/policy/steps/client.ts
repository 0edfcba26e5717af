/** The token's client id matches one of `caller.clients`. */
import type { MatchStep } from "./step";

export const clientStep: MatchStep = {
  id: "client",
  holds: (rule, _op, caller) =>
    rule.clients === undefined || (caller.client !== undefined && rule.clients.test(caller.client)),
};
