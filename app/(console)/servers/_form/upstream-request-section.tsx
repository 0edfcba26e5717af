"use client";
/** What the gateway adds when it forwards to the upstream: a static credential, identity headers, limits. */
import { Controller, useFormContext } from "react-hook-form";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field, Switch } from "@/components/ui";
import { SecretField } from "@/components/secret-field";
import type { ServerFormValues } from "./values";

export function UpstreamRequestSection({ secretSet }: { secretSet: boolean }) {
  const { register, control, formState } = useFormContext<ServerFormValues>();
  const err = (path: string) => fieldError(formState.errors, path);
  return (
    <Card title="Upstream request" description="What the gateway adds when it forwards to the upstream.">
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label="Credential header"
          htmlFor="s-uah"
          error={err("upstreamAuth.header")}
          hint="Optional static credential for the upstream (never the client's token)."
        >
          <input id="s-uah" className="input font-mono" placeholder="X-Api-Key" {...register("upstreamAuth.header")} />
        </Field>
        <Field label="Credential value" htmlFor="s-uav" error={err("upstreamAuth.value")} hint="Write-only.">
          <Controller
            control={control}
            name="upstreamAuth.value"
            render={({ field }) => (
              <SecretField
                id="s-uav"
                isSet={secretSet}
                value={field.value}
                onChange={field.onChange}
                invalid={!!err("upstreamAuth.value")}
              />
            )}
          />
        </Field>
        <div className="sm:col-span-2">
          <Controller
            control={control}
            name="identityHeaders"
            render={({ field }) => (
              <Switch
                id="s-identity"
                checked={field.value}
                onChange={field.onChange}
                label="Identity headers"
                description="Send X-Portcullis-Subject, -Client and -Scopes to the upstream."
              />
            )}
          />
        </div>
        <Field label="Max request body (bytes)" htmlFor="s-maxbody" error={err("maxBodyBytes")}>
          <input
            id="s-maxbody"
            type="number"
            className="input"
            {...register("maxBodyBytes", { valueAsNumber: true })}
          />
        </Field>
        <Field
          label="Extra allowed browser origins"
          htmlFor="s-origins"
          error={err("allowedOrigins")}
          hint="Public URLs are always allowed."
        >
          <LinesController control={control} name="allowedOrigins" id="s-origins" rows={2} />
        </Field>
      </div>
    </Card>
  );
}
