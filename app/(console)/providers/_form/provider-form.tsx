"use client";
/**
 * Create or edit a provider. react-hook-form holds the values; the resolver
 * validates the API body they make with the API's own schema (values.ts).
 */
import { FormProvider, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { ProviderView } from "@/lib/config/model";
import { useSaveEntityForm } from "@/app/_lib/use-save-entity";
import { Alert, FormActions } from "@/components/ui";
import { ClientSection } from "./client-section";
import { IdentitySection } from "./identity-section";
import { McpClientsSection } from "./mcp-clients-section";
import { QuirksSection } from "./quirks-section";
import { providerFormSchema, providerFormValues, type ProviderFormValues } from "./values";

export function ProviderForm({ provider }: { provider?: ProviderView }) {
  const editing = Boolean(provider);
  const form = useForm({ resolver: zodResolver(providerFormSchema), defaultValues: providerFormValues(provider) });
  const { submit, formError, saving } = useSaveEntityForm<ProviderView, ProviderFormValues, unknown>(
    "providers",
    provider?.name,
    form,
  );

  return (
    <FormProvider {...form}>
      <form onSubmit={submit} noValidate className="space-y-6">
        {formError && <Alert title="Not saved">{formError}</Alert>}
        <IdentitySection editing={editing} />
        <ClientSection secretSet={provider?.clientSecretSet ?? false} />
        <QuirksSection />
        <McpClientsSection />
        <FormActions busy={saving} submitLabel={editing ? "Save changes" : "Create provider"} />
      </form>
    </FormProvider>
  );
}
