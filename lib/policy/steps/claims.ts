/**
 * Each claim of `caller.claims` matches one of its patterns: a string claim
 * itself, a list claim (`groups`) by any of its items; numbers and booleans as text.
 */
import type { JsonValue } from "../../tokens/types";
import type { GlobSet } from "../glob";
import type { MatchStep } from "./step";

const matchesValue = (v: JsonValue | undefined, g: GlobSet): boolean =>
  typeof v === "string"
    ? g.test(v)
    : typeof v === "number" || typeof v === "boolean"
      ? g.test(String(v))
      : Array.isArray(v) && v.some((x) => !Array.isArray(x) && matchesValue(x, g));

export const claimsStep: MatchStep = {
  id: "claims",
  holds: (rule, _op, caller) =>
    rule.claims === undefined ||
    (caller.claims !== undefined && rule.claims.every(([k, g]) => matchesValue(caller.claims![k], g))),
};
