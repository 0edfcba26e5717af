"use client";
/** Where tokens come from: the provider's name, kind, issuer and JWKS URL. */
import { useFormContext } from "react-hook-form";
import { providerKinds, type ProviderKind } from "@/lib/config/schema";
import { fieldError } from "@/app/_lib/form";
import { Card, Field } from "@/components/ui";
import type { ProviderFormValues } from "./values";

const KIND_LABELS: Record<ProviderKind, string> = {
  generic: "Generic OpenID Connect / OAuth 2",
  keycloak: "Keycloak",
  auth0: "Auth0",
  authentik: "Authentik",
  entra: "Microsoft Entra ID",
  okta: "Okta",
};

export function IdentitySection({ editing }: { editing: boolean }) {
  const { register, formState, getValues } = useFormContext<ProviderFormValues>();
  const err = (path: string) => fieldError(formState.errors, path);
  return (
    <Card
      title="Identity provider"
      description="Where tokens come from. Issuer must match the iss claim of the tokens exactly."
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <Field label="Name" htmlFor="p-name" error={err("name")} hint="A slug used in URLs: /oauth/<name>/…">
          {editing ? (
            <input id="p-name" className="input" value={getValues("name")} disabled readOnly />
          ) : (
            <input
              id="p-name"
              className="input"
              aria-invalid={!!err("name") || undefined}
              placeholder="keycloak"
              {...register("name")}
            />
          )}
        </Field>
        <Field
          label="Kind"
          htmlFor="p-kind"
          error={err("kind")}
          hint="Picks the profile of known quirks Portcullis applies."
        >
          <select id="p-kind" className="input" {...register("kind")}>
            {providerKinds.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Issuer"
          htmlFor="p-issuer"
          error={err("issuer")}
          className="sm:col-span-2"
          hint="e.g. https://idp.example.com/realms/mcp"
        >
          <input
            id="p-issuer"
            className="input font-mono"
            aria-invalid={!!err("issuer") || undefined}
            placeholder="https://idp.example.com/realms/mcp"
            {...register("issuer")}
          />
        </Field>
        <Field
          label="JWKS URL"
          htmlFor="p-jwks"
          error={err("jwksUrl")}
          className="sm:col-span-2"
          hint="Optional. Default: jwks_uri from discovery, or the kind's convention."
        >
          <input
            id="p-jwks"
            className="input font-mono"
            aria-invalid={!!err("jwksUrl") || undefined}
            placeholder="(from discovery)"
            {...register("jwksUrl")}
          />
        </Field>
      </div>
    </Card>
  );
}
