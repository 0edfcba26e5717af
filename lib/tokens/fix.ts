/**
 * Machine-applicable config fixes attached to failing checks. A patch names
 * one config entity by its stable name and changes fields by dotted path in
 * the YAML/zod shape (lib/config/schema.ts), so the console's one-click fix,
 * `portcullis apply` and the API all speak the same language.
 */
import type { JsonValue } from "./types";

export type FixEntity = "server" | "provider";

export type FixPatch =
  /** Set each dotted path to the value. */
  | { entity: FixEntity; name: string; set: Record<string, JsonValue> }
  /** Append each value to the array at the dotted path (no duplicates). */
  | { entity: FixEntity; name: string; append: Record<string, string> };

type Obj = Record<string, unknown>;

/**
 * Applies a patch to a plain config object (ServerInput / ProviderInput) and
 * returns a new object; the input is not modified. The caller validates the
 * result with the zod schema, like any other edit.
 */
export function applyFixPatch<T extends Obj>(entity: T, patch: FixPatch): T {
  const out = structuredClone(entity) as Obj;
  const entries = "set" in patch ? Object.entries(patch.set) : Object.entries(patch.append);
  for (const [path, value] of entries) {
    const keys = path.split(".");
    let node = out;
    for (const k of keys.slice(0, -1)) {
      if (typeof node[k] !== "object" || node[k] === null) node[k] = {};
      node = node[k] as Obj;
    }
    const last = keys[keys.length - 1];
    if ("set" in patch) {
      node[last] = value;
    } else {
      const list = Array.isArray(node[last]) ? (node[last] as unknown[]) : [];
      node[last] = list.includes(value) ? list : [...list, value];
    }
  }
  return out as T;
}
