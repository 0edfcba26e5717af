/** A rule matches when every step holds, checked in this order (cheapest and most selective first). */
import { callerScopesStep } from "./caller-scopes";
import { claimsStep } from "./claims";
import { clientStep } from "./client";
import { methodStep } from "./method";
import { nameStep } from "./name";
import type { MatchStep } from "./step";
import { subjectStep } from "./subject";

export const MATCH_STEPS: readonly MatchStep[] = [
  methodStep,
  nameStep,
  callerScopesStep,
  subjectStep,
  clientStep,
  claimsStep,
];
export type { MatchStepId } from "./step";
export { holdsScope } from "./holds-scope";
