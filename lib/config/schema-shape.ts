/**
 * Reading the config schemas' shape (lib/config/schema.ts) as data: the field
 * order of an entry, and whether a path lies inside a free-form record
 * (`resourceMetadata.extra`, `overrides.scopeMap`, …) rather than a fixed field.
 * Export uses the order; the apply diff uses the records.
 */
import type { z } from "zod";

type Def = { type: string; innerType?: z.ZodType; in?: z.ZodType; shape?: Record<string, z.ZodType> };
const defOf = (s: z.ZodType) => (s as unknown as { _zod: { def: Def } })._zod.def;

/** The schema under optional/default/nullable/pipe wrappers. */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const d = defOf(s);
    if (d.innerType && ["optional", "default", "nullable", "prefault", "readonly"].includes(d.type)) s = d.innerType;
    else if (d.type === "pipe" && d.in) s = d.in;
    else return s;
  }
}

function objectShape(s: z.ZodType): Record<string, z.ZodType> | undefined {
  const u = unwrap(s);
  return defOf(u).type === "object" ? (u as unknown as { shape: Record<string, z.ZodType> }).shape : undefined;
}

const isRecordSchema = (s: z.ZodType) => defOf(unwrap(s)).type === "record";

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A copy of `value` whose object keys follow the schema's field order (records: sorted by key), so the
 * same config always serialises to the same bytes, whatever order the database kept the keys in.
 */
export function orderLikeSchema(value: unknown, schema: z.ZodType): unknown {
  if (!isPlainObject(value)) return value;
  const shape = objectShape(schema);
  if (shape) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(shape)) if (k in value) out[k] = orderLikeSchema(value[k], shape[k]);
    for (const k of Object.keys(value).sort()) if (!(k in out)) out[k] = value[k];
    return out;
  }
  if (isRecordSchema(schema)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, value[k]]),
    );
  }
  return value;
}

/** The field names an object schema has at its top level. */
export function fieldNames(schema: z.ZodType): string[] {
  return Object.keys(objectShape(schema) ?? {});
}

/** The length of the path's prefix that names schema fields; the rest are keys inside a record. */
export function fieldDepth(schema: z.ZodType, path: readonly string[]): number {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; i < path.length; i++) {
    const shape: Record<string, z.ZodType> | undefined = s ? objectShape(s) : undefined;
    if (!shape) return i;
    s = shape[path[i]];
    if (!s) return i + 1;
  }
  return path.length;
}
