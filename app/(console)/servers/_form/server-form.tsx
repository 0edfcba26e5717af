"use client";
/**
 * Create or edit a server, with a live preview of what clients will see.
 * react-hook-form holds the values; the resolver validates the API body they
 * make with the API's own schema (values.ts).
 */
import { FormProvider, useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useQuery } from "@tanstack/react-query";
import type { ProviderView, ServerView } from "@/lib/config/model";
import type { GatewayStatus } from "@/lib/status/gateway-status";
import { api } from "@/app/_lib/api";
import { useSaveEntityForm } from "@/app/_lib/use-save-entity";
import { Alert, FormActions } from "@/components/ui";
import { LivePreview } from "./live-preview";
import { OAuthSection } from "./oauth-section";
import { PublicUrlsSection } from "./public-urls-section";
import { ResourceMetadataSection } from "./resource-metadata-section";
import { ServerSection } from "./server-section";
import { UpstreamRequestSection } from "./upstream-request-section";
import { serverFormSchema, serverFormValues, type ServerFormValues } from "./values";

export function ServerForm({ server }: { server?: ServerView }) {
  const editing = Boolean(server);
  const form = useForm({ resolver: zodResolver(serverFormSchema), defaultValues: serverFormValues(server) });
  const values = useWatch({ control: form.control }) as ServerFormValues;
  const providers = useQuery({ queryKey: ["providers"], queryFn: () => api<ProviderView[]>("/api/providers") });
  const status = useQuery({ queryKey: ["status"], queryFn: () => api<GatewayStatus>("/api/status") });
  const provider = providers.data?.find((p) => p.name === values.oauth.provider);

  const { submit, formError, saving } = useSaveEntityForm<ServerView, ServerFormValues, unknown>(
    "servers",
    server?.name,
    form,
  );

  return (
    <FormProvider {...form}>
      <form onSubmit={submit} noValidate className="grid gap-6 lg:grid-cols-5">
        <div className="space-y-6 lg:col-span-3">
          {formError && <Alert title="Not saved">{formError}</Alert>}
          <ServerSection editing={editing} />
          {values.auth === "oauth" && <OAuthSection providers={providers.data} />}
          <PublicUrlsSection />
          {values.auth === "oauth" && <ResourceMetadataSection />}
          <UpstreamRequestSection secretSet={server?.upstreamAuthValueSet ?? false} />
          <FormActions busy={saving} submitLabel={editing ? "Save changes" : "Create server"} />
        </div>
        <div className="lg:col-span-2">
          <div className="lg:sticky lg:top-6">
            <LivePreview values={values} providerIssuer={provider?.issuer} publicUrl={status.data?.gateway.publicUrl} />
          </div>
        </div>
      </form>
    </FormProvider>
  );
}
