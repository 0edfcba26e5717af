"use client";
/** What the RFC 9728 document tells clients about the server; `resource` and `authorization_servers` are computed. */
import { Controller, useFormContext, useWatch } from "react-hook-form";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field } from "@/components/ui";
import { parseExtra, type ServerFormValues } from "./values";

const URL_FIELDS = [
  ["resourceDocumentation", "s-rdoc", "Documentation URL"],
  ["resourcePolicyUri", "s-rpol", "Policy URL"],
  ["resourceTosUri", "s-rtos", "Terms of service URL"],
] as const;

export function ResourceMetadataSection() {
  const { register, control, formState } = useFormContext<ServerFormValues>();
  const extraText = useWatch({ control, name: "resourceMetadata.extra" });
  const extra = parseExtra(extraText);
  const err = (path: string) => fieldError(formState.errors, path);
  return (
    <Card
      title="Resource metadata (RFC 9728)"
      description="What the protected-resource document tells clients about this server. resource and authorization_servers are computed."
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Resource name" htmlFor="s-rname" error={err("resourceMetadata.resourceName")}>
          <input
            id="s-rname"
            className="input"
            placeholder="Web fetcher"
            {...register("resourceMetadata.resourceName")}
          />
        </Field>
        <Field
          label="Scopes supported"
          htmlFor="s-rscopes"
          error={err("resourceMetadata.scopesSupported")}
          hint="Default: the required scopes."
        >
          <LinesController control={control} name="resourceMetadata.scopesSupported" id="s-rscopes" rows={2} />
        </Field>
        {URL_FIELDS.map(([key, id, label]) => (
          <Field key={key} label={label} htmlFor={id} error={err(`resourceMetadata.${key}`)}>
            <input
              id={id}
              className="input font-mono"
              aria-invalid={err(`resourceMetadata.${key}`) ? true : undefined}
              {...register(`resourceMetadata.${key}`)}
            />
          </Field>
        ))}
        <Field
          label="Bearer methods"
          htmlFor="s-bm-header"
          hint="Default: header (the gateway reads the Authorization header only)."
        >
          <Controller
            control={control}
            name="resourceMetadata.bearerMethodsSupported"
            render={({ field }) => (
              <div className="flex gap-4 pt-2">
                {(["header", "body"] as const).map((m) => (
                  <label key={m} className="flex items-center gap-1.5 text-sm">
                    <input
                      id={`s-bm-${m}`}
                      type="checkbox"
                      className="size-4 accent-indigo-600"
                      checked={field.value.includes(m)}
                      onChange={(e) =>
                        field.onChange(e.target.checked ? [...field.value, m] : field.value.filter((x) => x !== m))
                      }
                    />
                    {m}
                  </label>
                ))}
              </div>
            )}
          />
        </Field>
        <Field
          label="Extra fields (JSON object)"
          htmlFor="s-extra"
          className="sm:col-span-2"
          error={!extra.ok ? extra.error : err("resourceMetadata.extra")}
          hint="Merged into the document as given."
        >
          <textarea
            id="s-extra"
            rows={3}
            className="input font-mono text-xs"
            aria-invalid={!extra.ok || undefined}
            placeholder='{ "jwks_uri": "…" }'
            {...register("resourceMetadata.extra")}
          />
        </Field>
      </div>
    </Card>
  );
}
