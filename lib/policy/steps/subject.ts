/** The token's subject matches one of `caller.subjects`; an anonymous caller never does. */
import type { MatchStep } from "./step";

export const subjectStep: MatchStep = {
  id: "subject",
  holds: (rule, _op, caller) =>
    rule.subjects === undefined || (caller.subject !== undefined && rule.subjects.test(caller.subject)),
};
