/**
 * Unknown keys in a config file are usually typos (`auht:`, `ouath:`): name
 * the key that was meant, and drop the errors that only follow from the typo
 * (without `oauth`, "oauth is required" is true but beside the point).
 */
import type { z } from "zod";
import type { FieldError } from "../errors";
import { providerSchema, serverSchema } from "./schema";
import { fieldNames } from "./schema-shape";

/** Levenshtein distance, stopping early past `max`. */
function distance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    if (Math.min(...row) > max) return max + 1;
    prev = row;
  }
  return prev[b.length];
}

/** The field name `key` most likely meant, among the names an entry of `schema` can have. */
function meant(key: string, names: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const max = key.length <= 4 ? 1 : 2;
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = name.toLowerCase() === lower ? 0 : distance(lower, name.toLowerCase(), max);
    // One swap of neighbours (auht → auth) counts as one edit.
    const swapped = d === 2 && [...lower].sort().join("") === [...name.toLowerCase()].sort().join("") ? 1 : d;
    if (swapped <= max && (!best || swapped < best.d)) best = { name, d: swapped };
  }
  return best?.name;
}

/** Errors that only exist because the key they name was misspelled. */
const CONSEQUENCES: Record<string, string[]> = { auth: ["oauth"], oauth: ["oauth"] };

export function explainTypos(errors: FieldError[], entry: "providers" | "servers", index: number): FieldError[] {
  const schema: z.ZodType = entry === "providers" ? providerSchema : serverSchema;
  const prefix = `${entry}[${index}].`;
  const names = fieldNames(schema);
  const dropped = new Set<string>();
  const out = errors.map((e) => {
    if (e.message !== "unknown key" || !e.path.startsWith(prefix)) return e;
    const key = e.path.slice(prefix.length);
    if (key.includes(".")) return e;
    const name = meant(key, names);
    if (!name) return e;
    for (const c of CONSEQUENCES[name] ?? []) dropped.add(prefix + c);
    return { ...e, message: `unknown key: did you mean "${name}"?` };
  });
  return out.filter((e) => !(dropped.has(e.path) && /is required/.test(e.message)));
}
