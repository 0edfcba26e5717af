"use client";
/** The pre-registered client at the IdP: its id, write-only secret, extra scopes, and the clock skew allowed. */
import { Controller, useFormContext } from "react-hook-form";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field } from "@/components/ui";
import { SecretField } from "@/components/secret-field";
import type { ProviderFormValues } from "./values";

export function ClientSection({ secretSet }: { secretSet: boolean }) {
  const { register, control, formState } = useFormContext<ProviderFormValues>();
  const err = (path: string) => fieldError(formState.errors, path);
  return (
    <Card
      title="Client registration"
      description="A pre-registered client, used when the IdP lacks dynamic registration."
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Client ID" htmlFor="p-client" error={err("clientId")} hint="Optional.">
          <input
            id="p-client"
            className="input font-mono"
            aria-invalid={!!err("clientId") || undefined}
            {...register("clientId")}
          />
        </Field>
        <Field
          label="Client secret"
          htmlFor="p-secret"
          error={err("clientSecret")}
          hint="Write-only: stored encrypted, never displayed or exported."
        >
          <Controller
            control={control}
            name="clientSecret"
            render={({ field }) => (
              <SecretField
                id="p-secret"
                isSet={secretSet}
                value={field.value}
                onChange={field.onChange}
                invalid={!!err("clientSecret")}
              />
            )}
          />
        </Field>
        <Field
          label="Extra upstream scopes"
          htmlFor="p-scopes"
          error={err("scopes")}
          hint="One per line, e.g. openid, profile."
        >
          <LinesController
            control={control}
            name="scopes"
            id="p-scopes"
            placeholder={"openid\nprofile"}
            invalid={!!err("scopes")}
          />
        </Field>
        <Field
          label="Clock skew (seconds)"
          htmlFor="p-skew"
          error={err("clockSkewSeconds")}
          hint="Tolerance for exp / nbf / iat, 0–300."
        >
          <input
            id="p-skew"
            type="number"
            min={0}
            max={300}
            className="input"
            aria-invalid={!!err("clockSkewSeconds") || undefined}
            {...register("clockSkewSeconds", { valueAsNumber: true })}
          />
        </Field>
      </div>
    </Card>
  );
}
