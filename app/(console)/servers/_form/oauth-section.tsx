"use client";
/** Which tokens the server accepts and how clients get one: provider, mode, enforcement, audiences, scopes. */
import Link from "next/link";
import { Controller, useFormContext, useWatch } from "react-hook-form";
import { enforcementModes } from "@/lib/config/schema";
import type { ProviderView } from "@/lib/config/model";
import { audienceAdvice } from "@/lib/providers/audience-advice";
import { profileFor } from "@/lib/providers/profiles";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field, InlineCode, Switch } from "@/components/ui";
import type { ServerFormValues } from "./values";

type ListKey = "oauth.requiredScopes" | "oauth.audiences" | "oauth.allowedRedirectUris";

export function OAuthSection({ providers }: { providers?: ProviderView[] }) {
  const { register, control, formState } = useFormContext<ServerFormValues>();
  const [providerName, mode, audiences, includeClientIdInAudience] = useWatch({
    control,
    name: ["oauth.provider", "oauth.mode", "oauth.audiences", "oauth.includeClientIdInAudience"],
  });
  const provider = providers?.find((p) => p.name === providerName);
  // What Discover says about this IdP's aud, and whether this form's audience settings accept it.
  const advice = provider
    ? audienceAdvice(profileFor(provider), provider.clientId, { audiences, includeClientIdInAudience })
    : undefined;
  const err = (path: string) => fieldError(formState.errors, path);
  const lines = (name: ListKey, id: string, placeholder: string) => (
    <LinesController control={control} name={name} id={id} rows={2} placeholder={placeholder} />
  );
  return (
    <Card title="OAuth" description="Which tokens are accepted, and how clients get one.">
      <div className="grid gap-5 sm:grid-cols-2">
        <Field
          label="Provider"
          htmlFor="s-provider"
          error={err("oauth.provider") ?? fieldError(formState.errors, "oauth", { exact: true })}
          hint={
            providers?.length === 0 ? (
              <>
                No providers yet:{" "}
                <Link className="text-indigo-700 underline" href="/providers/new">
                  create one
                </Link>
                .
              </>
            ) : undefined
          }
        >
          <select
            id="s-provider"
            className="input"
            aria-invalid={err("oauth.provider") ? true : undefined}
            {...register("oauth.provider")}
            // Controlled: the options arrive with the providers list, after the form's first render.
            value={providerName ?? ""}
          >
            <option value="">Choose a provider…</option>
            {providers?.map((p) => (
              <option key={p.name} value={p.name}>
                {p.name} ({p.kind})
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Mode"
          htmlFor="s-mode"
          hint={
            mode === "proxy"
              ? "Clients use the gateway's adapted authorization server."
              : "Clients go straight to the IdP."
          }
        >
          <select id="s-mode" className="input" {...register("oauth.mode")}>
            <option value="proxy">proxy — adapted authorization server</option>
            <option value="direct">direct — external authorization server</option>
          </select>
        </Field>
        <Field
          label="Enforcement"
          htmlFor="s-enf"
          hint="strict rejects bad tokens; optional allows no token; permissive only logs."
        >
          <select id="s-enf" className="input" {...register("oauth.enforcement")}>
            {enforcementModes.map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
        </Field>
        <Field
          label="Required scopes"
          htmlFor="s-scopes"
          error={err("oauth.requiredScopes")}
          hint="One per line; missing ones → 403 insufficient_scope."
        >
          {lines("oauth.requiredScopes", "s-scopes", "read:all")}
        </Field>
        {advice && (
          <p
            className={`text-xs sm:col-span-2 ${advice.ready === true ? "text-slate-500" : "rounded-md bg-amber-50 px-3 py-2 text-amber-900 ring-1 ring-amber-200 ring-inset"}`}
            data-testid="audience-hint"
            data-ready={String(advice.ready ?? "unknown")}
          >
            <span className="font-medium">{provider?.name}: </span>
            <InlineCode text={advice.hint} />
          </p>
        )}
        <div className="sm:col-span-2">
          <Controller
            control={control}
            name="oauth.includeClientIdInAudience"
            render={({ field }) => (
              <Switch
                id="s-include-client-id"
                checked={field.value}
                onChange={field.onChange}
                label="Include client id in audience"
                description={`Also accept tokens whose aud is the provider's client id${provider?.clientId ? ` (${provider.clientId})` : ""} — for IdPs that ignore resource indicators.`}
              />
            )}
          />
        </div>
        <Field
          label="Extra accepted audiences"
          htmlFor="s-aud"
          error={err("oauth.audiences")}
          hint="One per line, compared exactly."
        >
          {lines("oauth.audiences", "s-aud", "api://fetcher")}
        </Field>
        <Field
          label="Allowed redirect URIs"
          htmlFor="s-redirects"
          error={err("oauth.allowedRedirectUris")}
          hint="Exact URIs (loopback: any port), presets (claude, chatgpt, vscode, cursor, loopback) or https://host/path/* prefix patterns."
        >
          {lines("oauth.allowedRedirectUris", "s-redirects", "http://127.0.0.1/callback")}
        </Field>
      </div>
    </Card>
  );
}
