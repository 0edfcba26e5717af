"use client";
/**
 * How MCP clients reach this provider's facade: client ID metadata documents (CIMD), the expiry of
 * registered clients, and the facade at a host's root (docs/clients.md).
 */
import { useFormContext } from "react-hook-form";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field } from "@/components/ui";
import type { ProviderFormValues } from "./values";

export function McpClientsSection() {
  const { register, control, formState } = useFormContext<ProviderFormValues>();
  const err = (path: string) => fieldError(formState.errors, path);
  return (
    <Card
      title="MCP clients"
      description="How clients identify themselves at this provider's facade, how long unused ones are kept, and where the facade lives."
    >
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label="Client ID metadata documents"
          htmlFor="p-cimd"
          error={err("clientIdMetadataDocuments.enabled")}
          hint="Clients such as Claude and VS Code identify themselves with an https URL instead of registering."
        >
          <label className="flex items-center gap-2 text-sm">
            <input id="p-cimd" type="checkbox" {...register("cimdEnabled")} /> Accept them
          </label>
        </Field>
        <Field
          label="Allowed client domains"
          htmlFor="p-cimd-domains"
          error={err("clientIdMetadataDocuments.allowedDomains")}
          hint="One per line (subdomains included); empty: any public host."
        >
          <LinesController
            control={control}
            name="cimdAllowedDomains"
            id="p-cimd-domains"
            placeholder={"claude.ai\nvscode.dev"}
            invalid={!!err("clientIdMetadataDocuments.allowedDomains")}
          />
        </Field>
        <Field
          label="Expire never-used clients after"
          htmlFor="p-unused"
          error={err("clientRegistrations.expireUnusedAfter")}
          hint="30m, 72h, 90d or never."
        >
          <input id="p-unused" className="input" {...register("expireUnusedAfter")} />
        </Field>
        <Field
          label="Expire idle clients after"
          htmlFor="p-idle"
          error={err("clientRegistrations.expireIdleAfter")}
          hint="Since the last token issued to them. 30m, 72h, 90d or never."
        >
          <input id="p-idle" className="input" {...register("expireIdleAfter")} />
        </Field>
        <Field
          label="De-duplicate registrations"
          htmlFor="p-dedupe"
          error={err("clientRegistrations.deduplicate")}
          hint="Identical public-client registrations get the same client id."
        >
          <label className="flex items-center gap-2 text-sm">
            <input id="p-dedupe" type="checkbox" {...register("deduplicate")} /> One client per identical registration
          </label>
        </Field>
        <Field
          label="Facade at a host's root"
          htmlFor="p-facade-url"
          error={err("facadeUrl")}
          hint="For clients that drop the issuer's path (Claude Code), e.g. https://auth.example.com."
        >
          <input id="p-facade-url" className="input font-mono" placeholder="(none)" {...register("facadeUrl")} />
        </Field>
      </div>
    </Card>
  );
}
