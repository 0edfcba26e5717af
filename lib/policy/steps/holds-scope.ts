/** Whether a caller holds a scope, or a broader one that implies it (the MCP spec asks servers to honour hierarchies). */
import type { CompiledPolicy } from "../compile";
import type { Caller } from "../types";

export function holdsScope(caller: Caller, scope: string, policy: CompiledPolicy): boolean {
  if (caller.scopes.includes(scope)) return true;
  const broader = policy.impliedBy.get(scope);
  return broader !== undefined && broader.some((b) => caller.scopes.includes(b));
}
