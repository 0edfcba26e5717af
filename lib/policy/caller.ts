/** The caller a verified token describes (claims included, for `caller.claims` rules); memoised per cached diagnosis. */
import type { Diagnosis } from "../tokens/types";
import type { Caller } from "./types";

const callers = new WeakMap<Diagnosis, Caller>();

export function callerOf(d: Diagnosis): Caller {
  let c = callers.get(d);
  if (!c) {
    c = { authenticated: true, subject: d.subject, client: d.clientId, scopes: d.scopes, claims: d.claims };
    callers.set(d, c);
  }
  return c;
}
