/**
 * Console forms on react-hook-form, validated by the API's own zod schemas:
 * a form's values become the API payload, and that payload is checked with
 * the schema the server parses it with, so the form shows exactly the
 * errors the server would return, each at its field's path.
 */
import type { FieldError, FieldErrors, FieldValues, Path, UseFormSetError } from "react-hook-form";
import { z } from "zod";

/** An error the form finds before the API schema runs (a malformed line, JSON that does not parse). */
export type FormIssue = { path: PropertyKey[]; message: string };

/**
 * The form's zod schema: `toPayload` turns the values into the API body, which `api` validates.
 * Its output is that body, ready to send.
 */
export function apiPayloadSchema<V, P>(api: z.ZodType, toPayload: (values: V) => { payload: P; issues?: FormIssue[] }) {
  return z.custom<V>().transform((values, ctx) => {
    const { payload, issues = [] } = toPayload(values);
    const parsed = api.safeParse(payload);
    const all: FormIssue[] = [...issues];
    if (!parsed.success)
      for (const i of parsed.error.issues)
        if (i.code === "unrecognized_keys")
          for (const k of i.keys) all.push({ path: [...i.path, k], message: "unknown key" });
        else all.push({ path: i.path, message: i.message });
    for (const i of all) ctx.addIssue({ code: "custom", message: i.message, path: i.path.map(pathPart) });
    return payload;
  });
}

const pathPart = (p: PropertyKey): string | number => (typeof p === "number" ? p : String(p));

/**
 * Every error at or under `path`, as one line: a field's own message, and for lists and maps
 * each entry's, prefixed by where it is (`[1]: not a valid URL`). `exact`: the field's own message only.
 */
export function fieldError<V extends FieldValues>(
  errors: FieldErrors<V>,
  path: string,
  opts: { exact?: boolean } = {},
): string | undefined {
  let node: unknown = errors;
  for (const key of path.split(".")) node = (node as Record<string, unknown> | undefined)?.[key];
  if (opts.exact) return (node as Partial<FieldError> | undefined)?.message || undefined;
  const out: string[] = [];
  collect(node, "", out);
  return out.length ? out.join("; ") : undefined;
}

const META = new Set(["message", "type", "types", "ref", "root"]);

function collect(node: unknown, at: string, out: string[]) {
  if (!node || typeof node !== "object") return;
  const own = node as Partial<FieldError> & { root?: FieldError };
  for (const e of [own.root, own])
    if (typeof e?.message === "string" && e.message) out.push(at ? `${at}: ${e.message}` : e.message);
  for (const [k, child] of Object.entries(node)) {
    if (META.has(k)) continue;
    collect(child, /^\d+$/.test(k) ? `${at}[${k}]` : at ? `${at}.${k}` : k, out);
  }
}

/** Errors the API returned (`publicUrls[1]`: message), set on the form's fields. */
export function setServerErrors<V extends FieldValues>(setError: UseFormSetError<V>, fields: Record<string, string>) {
  for (const [path, message] of Object.entries(fields))
    setError(path.replace(/\[(\d+)\]/g, ".$1") as Path<V>, { type: "server", message });
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
