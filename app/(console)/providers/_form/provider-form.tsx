"use client";
/**
 * Create or edit a provider. react-hook-form holds the values; the resolver
 * validates the API body they make with the API's own schema (values.ts).
 */
import { useState } from "react";
import { FormProvider, useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import type { ProviderView } from "@/lib/config/model";
import { setServerErrors } from "@/app/_lib/form";
import { useSaveEntity } from "@/app/_lib/use-save-entity";
import { Alert, FormActions } from "@/components/ui";
import { ClientSection } from "./client-section";
import { IdentitySection } from "./identity-section";
import { QuirksSection } from "./quirks-section";
import { providerFormSchema, providerFormValues } from "./values";

export function ProviderForm({ provider }: { provider?: ProviderView }) {
  const editing = Boolean(provider);
  const form = useForm({ resolver: zodResolver(providerFormSchema), defaultValues: providerFormValues(provider) });
  const [formError, setFormError] = useState<string>();
  const save = useSaveEntity<ProviderView>("providers", provider?.name, {
    setFieldErrors: (fields) => setServerErrors(form.setError, fields),
    setFormError,
  });
  const submit = form.handleSubmit(
    (body) => {
      setFormError(undefined);
      save.mutate(body);
    },
    () => setFormError("Fix the highlighted fields."),
  );

  return (
    <FormProvider {...form}>
      <form onSubmit={submit} noValidate className="space-y-6">
        {formError && <Alert title="Not saved">{formError}</Alert>}
        <IdentitySection editing={editing} />
        <ClientSection secretSet={provider?.clientSecretSet ?? false} />
        <QuirksSection />
        <FormActions busy={save.isPending} submitLabel={editing ? "Save changes" : "Create provider"} />
      </form>
    </FormProvider>
  );
}
