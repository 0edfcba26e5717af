/**
 * Client-side validation with the same zod schemas the API and YAML use, so a
 * form shows exactly the errors the server would return, keyed by field path.
 */
import type { z } from "zod";
import { zodFieldErrors } from "../../lib/config/field-errors";

export type FieldErrors = Record<string, string>;

export function validate<S extends z.ZodType>(
  schema: S,
  value: unknown,
): { ok: true; data: z.output<S>; errors: FieldErrors } | { ok: false; errors: FieldErrors } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, data: r.data, errors: {} };
  const errors: FieldErrors = {};
  for (const f of zodFieldErrors(r.error)) errors[f.path] ??= f.message;
  return { ok: false, errors };
}

/** Errors under a path prefix (`publicUrls` → `publicUrls[1]: …`), for list fields. */
export function errorsUnder(errors: FieldErrors, prefix: string): string | undefined {
  const hits = Object.entries(errors).filter(
    ([k]) => k === prefix || k.startsWith(prefix + "[") || k.startsWith(prefix + "."),
  );
  if (!hits.length) return undefined;
  return hits.map(([k, m]) => (k === prefix ? m : `${k.slice(prefix.length).replace(/^\./, "")}: ${m}`)).join("; ");
}

/** Drop empty strings and empty optional objects so optional fields stay absent. */
export function compact<T>(v: T): T {
  if (Array.isArray(v)) return v.map(compact) as T;
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (x === "" || x === undefined) continue;
      out[k] = compact(x);
    }
    return out as T;
  }
  return v;
}
