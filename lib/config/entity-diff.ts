/**
 * Field-level differences between a stored entry and the entry a config file
 * replaces it with. Apply replaces each named entry whole, so a field left out
 * of the file falls back to its default: those changes are flagged
 * `omitted`, the ones an operator most needs to see before applying.
 */
import type { z } from "zod";
import { fieldDepth, orderLikeSchema } from "./schema-shape";

export type FieldChange = {
  /** Dotted path in the YAML shape, e.g. `oauth.audiences`. */
  path: string;
  /** Stored value; absent when the field was unset. */
  old?: unknown;
  /** Value after the apply; absent when the field ends unset. */
  new?: unknown;
  /** The file did not mention the field: it is reset to its default (or removed) by omission. */
  omitted?: true;
  /** A write-only secret: its values are never shown. */
  secret?: "set" | "cleared";
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Leaves by dotted path: scalars and arrays are leaves; empty objects have none. */
function leaves(v: unknown, prefix: string[] = [], out = new Map<string, { path: string[]; value: unknown }>()) {
  if (isPlainObject(v)) {
    for (const [k, x] of Object.entries(v)) if (x !== undefined) leaves(x, [...prefix, k], out);
  } else if (prefix.length) {
    out.set(prefix.join("."), { path: prefix, value: v });
  }
  return out;
}

/** JSON with object keys sorted (stored JSON may not keep key order). */
const canonical = (v: unknown): string =>
  JSON.stringify(v, (_k, x) =>
    isPlainObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x,
  );

/** Did the raw file entry set this field (or, inside a record, the record holding it)? */
function mentioned(raw: unknown, path: string[], depth: number): boolean {
  let node = raw;
  for (const key of path.slice(0, Math.max(1, depth))) {
    if (!isPlainObject(node) || !(key in node)) return false;
    node = node[key];
  }
  return true;
}

/**
 * `stored` and `next` are entries in the YAML shape without secrets; `raw` is the entry as written in the
 * file (before defaults), `schema` the entry's zod schema. Changes come in the schema's field order.
 */
export function diffEntry(stored: unknown, next: unknown, raw: unknown, schema: z.ZodType): FieldChange[] {
  const a = leaves(orderLikeSchema(stored, schema));
  const b = leaves(orderLikeSchema(next, schema));
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  const out: FieldChange[] = [];
  for (const key of paths) {
    const before = a.get(key);
    const after = b.get(key);
    if (before && after && canonical(before.value) === canonical(after.value)) continue;
    const path = (before ?? after)!.path;
    const change: FieldChange = { path: key };
    if (before) change.old = before.value;
    if (after) change.new = after.value;
    if (!mentioned(raw, path, fieldDepth(schema, path))) change.omitted = true;
    out.push(change);
  }
  return out;
}

/** `["a"] → []` style, for terminals. */
export function formatFieldChange(c: FieldChange): string {
  if (c.secret) return `${c.path}: ${c.secret === "set" ? "set from the file (value not shown)" : "cleared"}`;
  const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));
  return `${c.path}: ${show(c.old)} → ${show(c.new)}${c.omitted ? "   (reset: not in the file)" : ""}`;
}
