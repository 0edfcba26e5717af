"use client";
/** Where MCP clients connect: the server's name and path, its upstream, and how it authenticates. */
import { useFormContext, useWatch } from "react-hook-form";
import { defaultServerPath } from "@/lib/config/schema";
import { fieldError } from "@/app/_lib/form";
import { Card, Field, cx } from "@/components/ui";
import type { ServerFormValues } from "./values";

const AUTH_MODES = [
  ["oauth", "OAuth", "The gateway validates tokens from a provider."],
  ["passthrough", "Passthrough", "The upstream does its own auth; forwarded unchanged."],
  ["none", "None", "No authentication at all."],
] as const;

export function ServerSection({ editing }: { editing: boolean }) {
  const { register, control, formState, getValues } = useFormContext<ServerFormValues>();
  const [name, auth] = useWatch({ control, name: ["name", "auth"] });
  const err = (path: string) => fieldError(formState.errors, path);
  const invalid = (path: string) => (err(path) ? true : undefined);
  return (
    <Card
      title="Server"
      description="Where MCP clients connect, and which upstream MCP server receives their requests."
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Name" htmlFor="s-name" error={err("name")} hint="A slug: lowercase letters, digits and '-'.">
          {editing ? (
            <input id="s-name" className="input" value={getValues("name")} disabled readOnly />
          ) : (
            <input
              id="s-name"
              className="input"
              aria-invalid={invalid("name")}
              placeholder="fetcher"
              {...register("name")}
            />
          )}
        </Field>
        <Field label="Path" htmlFor="s-path" error={err("path")} hint="Optional.">
          <input
            id="s-path"
            className="input font-mono"
            aria-invalid={invalid("path")}
            placeholder={defaultServerPath(name || "<name>")}
            {...register("path")}
          />
        </Field>
        <Field
          label="Upstream MCP URL"
          htmlFor="s-upstream"
          error={err("upstream")}
          className="sm:col-span-2"
          hint="Streamable HTTP endpoint of the real MCP server."
        >
          <input
            id="s-upstream"
            className="input font-mono"
            aria-invalid={invalid("upstream")}
            placeholder="http://127.0.0.1:9001/mcp"
            {...register("upstream")}
          />
        </Field>
        <Field label="Authentication" htmlFor="s-auth-oauth" className="sm:col-span-2" error={err("auth")}>
          <div className="grid gap-2 sm:grid-cols-3">
            {AUTH_MODES.map(([v, label, hint]) => (
              <label
                key={v}
                className={cx(
                  "flex cursor-pointer flex-col rounded-md border px-3 py-2.5 text-sm",
                  auth === v
                    ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500"
                    : "border-slate-200 hover:border-slate-300",
                )}
              >
                <span className="flex items-center gap-2 font-medium text-slate-800">
                  <input
                    id={`s-auth-${v}`}
                    type="radio"
                    value={v}
                    className="accent-indigo-600"
                    {...register("auth")}
                  />
                  {label}
                </span>
                <span className="mt-0.5 text-xs text-slate-500">{hint}</span>
              </label>
            ))}
          </div>
        </Field>
      </div>
    </Card>
  );
}
