import type { z } from "zod";
import { AppError, type FieldError } from "../errors";

/** `["servers", 1, "oauth", "provider"]` → `servers[1].oauth.provider` */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(root)";
}

export function zodFieldErrors(error: z.ZodError, prefix: ReadonlyArray<PropertyKey> = []): FieldError[] {
  return error.issues.flatMap((issue) =>
    // Name each unknown key by its own path: `providers[0].bogus: unknown key`.
    issue.code === "unrecognized_keys"
      ? issue.keys.map((k) => ({ path: formatPath([...prefix, ...issue.path, k]), message: "unknown key" }))
      : [{ path: formatPath([...prefix, ...issue.path]), message: issue.message }],
  );
}

export function validationError(fields: FieldError[], what = "configuration"): AppError {
  const n = fields.length;
  return new AppError("validation_failed", `Invalid ${what}: ${n} error${n === 1 ? "" : "s"}`, { fields });
}

/** Parse with a zod schema or throw a validation AppError naming every field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what?: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw validationError(zodFieldErrors(r.error), what);
  return r.data;
}
