"use client";
import { useMemo, useState, type FormEvent } from "react";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import { defaultServerPath, enforcementModes, serverSchema, type ResourceMetadataConfig } from "@/lib/config/schema";
import type { ProviderView, ServerView } from "@/lib/config/model";
import type { GatewayStatus } from "@/lib/status/gateway-status";
import { api } from "@/app/_lib/api";
import { useSaveEntity } from "@/app/_lib/use-save-entity";
import { compact, errorsUnder, validate, type FieldErrors } from "@/app/_lib/validate";
import { previewServer, sourceLabel } from "@/app/_lib/preview";
import { Alert, Card, CopyButton, CopyField, Field, FormActions, LinesInput, Switch, Tabs, cx } from "@/components/ui";
import { SecretField, secretPayload, type SecretValue } from "@/components/secret-field";

type Auth = "oauth" | "passthrough" | "none";
type Draft = {
  name: string;
  path: string;
  upstream: string;
  auth: Auth;
  oauth: {
    provider: string;
    mode: "proxy" | "direct";
    enforcement: (typeof enforcementModes)[number];
    audiences: string[];
    includeClientIdInAudience: boolean;
    requiredScopes: string[];
    allowedRedirectUris: string[];
  };
  publicUrls: string[];
  resourceMetadata: {
    resourceName: string;
    scopesSupported: string[];
    bearerMethodsSupported: Array<"header" | "body">;
    resourceDocumentation: string;
    resourcePolicyUri: string;
    resourceTosUri: string;
  };
  extraText: string;
  upstreamAuthHeader: string;
  identityHeaders: boolean;
  maxBodyBytes: number;
  allowedOrigins: string[];
};

function toDraft(s?: ServerView): Draft {
  const md = s?.resourceMetadata;
  return {
    name: s?.name ?? "",
    path: s?.path ?? "",
    upstream: s?.upstream ?? "",
    auth: s?.auth ?? "oauth",
    oauth: {
      provider: s?.oauth?.provider ?? "",
      mode: s?.oauth?.mode ?? "proxy",
      enforcement: s?.oauth?.enforcement ?? "strict",
      audiences: s?.oauth?.audiences ?? [],
      includeClientIdInAudience: s?.oauth?.includeClientIdInAudience ?? false,
      requiredScopes: s?.oauth?.requiredScopes ?? [],
      allowedRedirectUris: s?.oauth?.allowedRedirectUris ?? [],
    },
    publicUrls: s?.publicUrls ?? [],
    resourceMetadata: {
      resourceName: md?.resourceName ?? "",
      scopesSupported: md?.scopesSupported ?? [],
      bearerMethodsSupported: md?.bearerMethodsSupported ?? [],
      resourceDocumentation: md?.resourceDocumentation ?? "",
      resourcePolicyUri: md?.resourcePolicyUri ?? "",
      resourceTosUri: md?.resourceTosUri ?? "",
    },
    extraText: md?.extra && Object.keys(md.extra).length ? JSON.stringify(md.extra, null, 2) : "",
    upstreamAuthHeader: s?.upstreamAuth?.header ?? "",
    identityHeaders: s?.identityHeaders ?? true,
    maxBodyBytes: s?.maxBodyBytes ?? 4 * 1024 * 1024,
    allowedOrigins: s?.allowedOrigins ?? [],
  };
}

function parseExtra(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    const v = JSON.parse(text);
    if (!v || typeof v !== "object" || Array.isArray(v)) return { ok: false, error: "must be a JSON object" };
    return { ok: true, value: v };
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
}

function toPayload(d: Draft, secret: SecretValue) {
  const extra = parseExtra(d.extraText);
  const md = compact({
    ...d.resourceMetadata,
    scopesSupported: d.resourceMetadata.scopesSupported.length ? d.resourceMetadata.scopesSupported : undefined,
    bearerMethodsSupported: d.resourceMetadata.bearerMethodsSupported.length
      ? d.resourceMetadata.bearerMethodsSupported
      : undefined,
  }) as Partial<ResourceMetadataConfig>;
  const s = secretPayload(secret);
  // Clearing the header removes the upstream credential altogether.
  const upstreamAuth = d.upstreamAuthHeader.trim()
    ? { header: d.upstreamAuthHeader.trim(), ...("value" in s ? { value: s.value } : {}) }
    : undefined;
  return {
    name: d.name.trim(),
    ...(d.path.trim() ? { path: d.path.trim() } : {}),
    upstream: d.upstream.trim(),
    auth: d.auth,
    ...(d.auth === "oauth" ? { oauth: d.oauth } : {}),
    publicUrls: d.publicUrls,
    resourceMetadata: { ...md, extra: extra.ok ? extra.value : {} },
    ...(upstreamAuth ? { upstreamAuth } : {}),
    identityHeaders: d.identityHeaders,
    maxBodyBytes: d.maxBodyBytes,
    allowedOrigins: d.allowedOrigins,
  };
}

export function ServerForm({ server }: { server?: ServerView }) {
  const editing = Boolean(server);
  const [draft, setDraft] = useState<Draft>(() => toDraft(server));
  const [secret, setSecret] = useState<SecretValue>(undefined);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const providers = useQuery({ queryKey: ["providers"], queryFn: () => api<ProviderView[]>("/api/providers") });
  const status = useQuery({ queryKey: ["status"], queryFn: () => api<GatewayStatus>("/api/status") });

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const setOAuth = <K extends keyof Draft["oauth"]>(k: K, v: Draft["oauth"][K]) =>
    setDraft((d) => ({ ...d, oauth: { ...d.oauth, [k]: v } }));
  const setMd = <K extends keyof Draft["resourceMetadata"]>(k: K, v: Draft["resourceMetadata"][K]) =>
    setDraft((d) => ({ ...d, resourceMetadata: { ...d.resourceMetadata, [k]: v } }));

  const provider = providers.data?.find((p) => p.name === draft.oauth.provider);
  const extra = parseExtra(draft.extraText);

  const save = useSaveEntity<ServerView>("servers", editing ? server!.name : undefined, { setErrors, setFormError });

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(undefined);
    const body = toPayload(draft, secret);
    const v = validate(serverSchema, body);
    const errs = { ...v.errors };
    if (!extra.ok) errs["resourceMetadata.extra"] = extra.error;
    setErrors(errs);
    if (Object.keys(errs).length) {
      setFormError("Fix the highlighted fields.");
      return;
    }
    save.mutate(body);
  }

  const err = (path: string) => errors[path];
  const inv = (path: string) => (errors[path] ? true : undefined);

  return (
    <form onSubmit={submit} noValidate className="grid gap-6 lg:grid-cols-5">
      <div className="space-y-6 lg:col-span-3">
        {formError && <Alert title="Not saved">{formError}</Alert>}
        <Card
          title="Server"
          description="Where MCP clients connect, and which upstream MCP server receives their requests."
        >
          <div className="grid gap-5 sm:grid-cols-2">
            <Field label="Name" htmlFor="s-name" error={err("name")} hint="A slug: lowercase letters, digits and '-'.">
              <input
                id="s-name"
                className="input"
                value={draft.name}
                disabled={editing}
                aria-invalid={inv("name")}
                onChange={(e) => set("name", e.target.value)}
                placeholder="fetcher"
              />
            </Field>
            <Field label="Path" htmlFor="s-path" error={err("path")} hint="Optional.">
              <input
                id="s-path"
                className="input font-mono"
                value={draft.path}
                aria-invalid={inv("path")}
                onChange={(e) => set("path", e.target.value)}
                placeholder={defaultServerPath(draft.name || "<name>")}
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
                value={draft.upstream}
                aria-invalid={inv("upstream")}
                onChange={(e) => set("upstream", e.target.value)}
                placeholder="http://127.0.0.1:9001/mcp"
              />
            </Field>
            <Field label="Authentication" htmlFor="s-auth-oauth" className="sm:col-span-2" error={err("auth")}>
              <div className="grid gap-2 sm:grid-cols-3">
                {(
                  [
                    ["oauth", "OAuth", "The gateway validates tokens from a provider."],
                    ["passthrough", "Passthrough", "The upstream does its own auth; forwarded unchanged."],
                    ["none", "None", "No authentication at all."],
                  ] as const
                ).map(([v, label, hint]) => (
                  <label
                    key={v}
                    className={cx(
                      "flex cursor-pointer flex-col rounded-md border px-3 py-2.5 text-sm",
                      draft.auth === v
                        ? "border-indigo-500 bg-indigo-50/60 ring-1 ring-indigo-500"
                        : "border-slate-200 hover:border-slate-300",
                    )}
                  >
                    <span className="flex items-center gap-2 font-medium text-slate-800">
                      <input
                        id={`s-auth-${v}`}
                        type="radio"
                        name="auth"
                        className="accent-indigo-600"
                        checked={draft.auth === v}
                        onChange={() => set("auth", v)}
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

        {draft.auth === "oauth" && (
          <Card title="OAuth" description="Which tokens are accepted, and how clients get one.">
            <div className="grid gap-5 sm:grid-cols-2">
              <Field
                label="Provider"
                htmlFor="s-provider"
                error={err("oauth.provider") ?? err("oauth")}
                hint={
                  providers.data?.length === 0 ? (
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
                  value={draft.oauth.provider}
                  aria-invalid={inv("oauth.provider")}
                  onChange={(e) => setOAuth("provider", e.target.value)}
                >
                  <option value="">Choose a provider…</option>
                  {providers.data?.map((p) => (
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
                  draft.oauth.mode === "proxy"
                    ? "Clients use the gateway's adapted authorization server."
                    : "Clients go straight to the IdP."
                }
              >
                <select
                  id="s-mode"
                  className="input"
                  value={draft.oauth.mode}
                  onChange={(e) => setOAuth("mode", e.target.value as "proxy" | "direct")}
                >
                  <option value="proxy">proxy — adapted authorization server</option>
                  <option value="direct">direct — external authorization server</option>
                </select>
              </Field>
              <Field
                label="Enforcement"
                htmlFor="s-enf"
                hint="strict rejects bad tokens; optional allows no token; permissive only logs."
              >
                <select
                  id="s-enf"
                  className="input"
                  value={draft.oauth.enforcement}
                  onChange={(e) => setOAuth("enforcement", e.target.value as Draft["oauth"]["enforcement"])}
                >
                  {enforcementModes.map((m) => (
                    <option key={m}>{m}</option>
                  ))}
                </select>
              </Field>
              <Field
                label="Required scopes"
                htmlFor="s-scopes"
                error={errorsUnder(errors, "oauth.requiredScopes")}
                hint="One per line; missing ones → 403 insufficient_scope."
              >
                <LinesInput
                  id="s-scopes"
                  rows={2}
                  value={draft.oauth.requiredScopes}
                  onChange={(v) => setOAuth("requiredScopes", v)}
                  placeholder="read:all"
                />
              </Field>
              <div className="sm:col-span-2">
                <Switch
                  id="s-include-client-id"
                  checked={draft.oauth.includeClientIdInAudience}
                  onChange={(v) => setOAuth("includeClientIdInAudience", v)}
                  label="Include client id in audience"
                  description={`Also accept tokens whose aud is the provider's client id${provider?.clientId ? ` (${provider.clientId})` : ""} — for IdPs that ignore resource indicators.`}
                />
              </div>
              <Field
                label="Extra accepted audiences"
                htmlFor="s-aud"
                error={errorsUnder(errors, "oauth.audiences")}
                hint="One per line, compared exactly."
              >
                <LinesInput
                  id="s-aud"
                  rows={2}
                  value={draft.oauth.audiences}
                  onChange={(v) => setOAuth("audiences", v)}
                  placeholder="api://fetcher"
                />
              </Field>
              <Field
                label="Allowed redirect URIs"
                htmlFor="s-redirects"
                error={errorsUnder(errors, "oauth.allowedRedirectUris")}
                hint="Exact URIs (loopback: any port), presets (claude, chatgpt, vscode, cursor, loopback) or https://host/path/* prefix patterns."
              >
                <LinesInput
                  id="s-redirects"
                  rows={2}
                  value={draft.oauth.allowedRedirectUris}
                  onChange={(v) => setOAuth("allowedRedirectUris", v)}
                  placeholder="http://127.0.0.1/callback"
                />
              </Field>
            </div>
          </Card>
        )}

        <Card
          title="Public URLs"
          description="The external base URLs clients reach this gateway at. Each one gets its own resource and metadata document, and all are accepted audiences."
        >
          <Field
            label="Public base URLs"
            htmlFor="s-public"
            error={errorsUnder(errors, "publicUrls")}
            hint="One per line. Empty: PUBLIC_URL, else the address of each request."
          >
            <LinesInput
              id="s-public"
              rows={2}
              value={draft.publicUrls}
              onChange={(v) => set("publicUrls", v)}
              placeholder={"https://mcp.example.com\nhttps://internal-gw.example.com"}
            />
          </Field>
        </Card>

        {draft.auth === "oauth" && (
          <Card
            title="Resource metadata (RFC 9728)"
            description="What the protected-resource document tells clients about this server. resource and authorization_servers are computed."
          >
            <div className="grid gap-5 sm:grid-cols-2">
              <Field label="Resource name" htmlFor="s-rname" error={err("resourceMetadata.resourceName")}>
                <input
                  id="s-rname"
                  className="input"
                  value={draft.resourceMetadata.resourceName}
                  onChange={(e) => setMd("resourceName", e.target.value)}
                  placeholder="Web fetcher"
                />
              </Field>
              <Field
                label="Scopes supported"
                htmlFor="s-rscopes"
                error={errorsUnder(errors, "resourceMetadata.scopesSupported")}
                hint="Default: the required scopes."
              >
                <LinesInput
                  id="s-rscopes"
                  rows={2}
                  value={draft.resourceMetadata.scopesSupported}
                  onChange={(v) => setMd("scopesSupported", v)}
                />
              </Field>
              <Field label="Documentation URL" htmlFor="s-rdoc" error={err("resourceMetadata.resourceDocumentation")}>
                <input
                  id="s-rdoc"
                  className="input font-mono"
                  value={draft.resourceMetadata.resourceDocumentation}
                  aria-invalid={inv("resourceMetadata.resourceDocumentation")}
                  onChange={(e) => setMd("resourceDocumentation", e.target.value)}
                />
              </Field>
              <Field label="Policy URL" htmlFor="s-rpol" error={err("resourceMetadata.resourcePolicyUri")}>
                <input
                  id="s-rpol"
                  className="input font-mono"
                  value={draft.resourceMetadata.resourcePolicyUri}
                  aria-invalid={inv("resourceMetadata.resourcePolicyUri")}
                  onChange={(e) => setMd("resourcePolicyUri", e.target.value)}
                />
              </Field>
              <Field label="Terms of service URL" htmlFor="s-rtos" error={err("resourceMetadata.resourceTosUri")}>
                <input
                  id="s-rtos"
                  className="input font-mono"
                  value={draft.resourceMetadata.resourceTosUri}
                  aria-invalid={inv("resourceMetadata.resourceTosUri")}
                  onChange={(e) => setMd("resourceTosUri", e.target.value)}
                />
              </Field>
              <Field
                label="Bearer methods"
                htmlFor="s-bm-header"
                hint="Default: header (the gateway reads the Authorization header only)."
              >
                <div className="flex gap-4 pt-2">
                  {(["header", "body"] as const).map((m) => (
                    <label key={m} className="flex items-center gap-1.5 text-sm">
                      <input
                        id={`s-bm-${m}`}
                        type="checkbox"
                        className="size-4 accent-indigo-600"
                        checked={draft.resourceMetadata.bearerMethodsSupported.includes(m)}
                        onChange={(e) =>
                          setMd(
                            "bearerMethodsSupported",
                            e.target.checked
                              ? [...draft.resourceMetadata.bearerMethodsSupported, m]
                              : draft.resourceMetadata.bearerMethodsSupported.filter((x) => x !== m),
                          )
                        }
                      />
                      {m}
                    </label>
                  ))}
                </div>
              </Field>
              <Field
                label="Extra fields (JSON object)"
                htmlFor="s-extra"
                className="sm:col-span-2"
                error={!extra.ok ? extra.error : errorsUnder(errors, "resourceMetadata.extra")}
                hint="Merged into the document as given."
              >
                <textarea
                  id="s-extra"
                  rows={3}
                  className="input font-mono text-xs"
                  aria-invalid={!extra.ok || undefined}
                  value={draft.extraText}
                  onChange={(e) => set("extraText", e.target.value)}
                  placeholder='{ "jwks_uri": "…" }'
                />
              </Field>
            </div>
          </Card>
        )}

        <Card title="Upstream request" description="What the gateway adds when it forwards to the upstream.">
          <div className="grid gap-5 sm:grid-cols-2">
            <Field
              label="Credential header"
              htmlFor="s-uah"
              error={err("upstreamAuth.header")}
              hint="Optional static credential for the upstream (never the client's token)."
            >
              <input
                id="s-uah"
                className="input font-mono"
                value={draft.upstreamAuthHeader}
                onChange={(e) => set("upstreamAuthHeader", e.target.value)}
                placeholder="X-Api-Key"
              />
            </Field>
            <Field label="Credential value" htmlFor="s-uav" error={err("upstreamAuth.value")} hint="Write-only.">
              <SecretField
                id="s-uav"
                isSet={server?.upstreamAuthValueSet ?? false}
                value={secret}
                onChange={setSecret}
                invalid={!!err("upstreamAuth.value")}
              />
            </Field>
            <div className="sm:col-span-2">
              <Switch
                id="s-identity"
                checked={draft.identityHeaders}
                onChange={(v) => set("identityHeaders", v)}
                label="Identity headers"
                description="Send X-Portcullis-Subject, -Client and -Scopes to the upstream."
              />
            </div>
            <Field label="Max request body (bytes)" htmlFor="s-maxbody" error={err("maxBodyBytes")}>
              <input
                id="s-maxbody"
                type="number"
                className="input"
                value={Number.isNaN(draft.maxBodyBytes) ? "" : draft.maxBodyBytes}
                onChange={(e) => set("maxBodyBytes", e.target.valueAsNumber)}
              />
            </Field>
            <Field
              label="Extra allowed browser origins"
              htmlFor="s-origins"
              error={errorsUnder(errors, "allowedOrigins")}
              hint="Public URLs are always allowed."
            >
              <LinesInput
                id="s-origins"
                rows={2}
                value={draft.allowedOrigins}
                onChange={(v) => set("allowedOrigins", v)}
              />
            </Field>
          </div>
        </Card>

        <FormActions busy={save.isPending} submitLabel={editing ? "Save changes" : "Create server"} />
      </div>

      <div className="lg:col-span-2">
        <div className="lg:sticky lg:top-6">
          <LivePreview
            draft={draft}
            extra={extra.ok ? extra.value : {}}
            providerIssuer={provider?.issuer}
            publicUrl={status.data?.gateway.publicUrl}
          />
        </div>
      </div>
    </form>
  );
}

function LivePreview({
  draft,
  extra,
  providerIssuer,
  publicUrl,
}: {
  draft: Draft;
  extra: Record<string, unknown>;
  providerIssuer?: string;
  publicUrl?: string | null;
}) {
  const [tab, setTab] = useState(0);
  const previews = useMemo(() => {
    const origin = typeof window === "undefined" ? "http://localhost:3000" : window.location.origin;
    const validBases = draft.publicUrls.filter((u) => {
      try {
        return /^https?:$/.test(new URL(u).protocol);
      } catch {
        return false;
      }
    });
    const md = compact({
      ...draft.resourceMetadata,
      scopesSupported: draft.resourceMetadata.scopesSupported.length
        ? draft.resourceMetadata.scopesSupported
        : undefined,
      bearerMethodsSupported: draft.resourceMetadata.bearerMethodsSupported.length
        ? draft.resourceMetadata.bearerMethodsSupported
        : undefined,
    }) as Partial<ResourceMetadataConfig>;
    return previewServer(
      {
        name: draft.name || "<name>",
        path: draft.path || undefined,
        auth: draft.auth,
        oauth: draft.oauth,
        publicUrls: validBases.map((u) => u.replace(/\/+$/, "")),
        resourceMetadata: { ...md, extra },
      },
      {
        publicUrl,
        origin,
        provider:
          providerIssuer && draft.oauth.provider ? { name: draft.oauth.provider, issuer: providerIssuer } : undefined,
      },
    );
  }, [draft, extra, providerIssuer, publicUrl]);
  const p = previews[Math.min(tab, previews.length - 1)];
  const json = p?.metadata ? JSON.stringify(p.metadata, null, 2) : "";

  return (
    <Card
      title="Live preview"
      description="What MCP clients will see, exactly as the gateway will serve it."
      actions={
        previews.length > 1 ? (
          <Tabs
            value={String(Math.min(tab, previews.length - 1))}
            onChange={(v) => setTab(Number(v))}
            items={previews.map((x, i) => ({ value: String(i), label: new URL(x.base).host }))}
          />
        ) : undefined
      }
    >
      {!p ? (
        <p className="text-sm text-slate-500">Enter a name to preview the URLs.</p>
      ) : (
        <div className="space-y-4" data-testid="live-preview">
          <p className="text-xs text-slate-500">
            Base <code className="text-slate-700">{p.base}</code> ({sourceLabel(p.source)})
          </p>
          <CopyField label="MCP server URL (give this to clients)" value={p.mcpUrl} />
          {draft.auth === "oauth" ? (
            <>
              <CopyField label="Protected-resource metadata URL" value={p.metadataUrl} />
              <CopyField label="WWW-Authenticate on 401" value={p.wwwAuthenticate ?? ""} />
              <div>
                <div className="mb-1 flex items-center justify-between">
                  <span className="text-xs font-medium text-slate-500">RFC 9728 document</span>
                  <CopyButton value={json} />
                </div>
                <pre
                  className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100"
                  data-testid="prm-json"
                >
                  {json}
                </pre>
                {draft.oauth.mode === "direct" && !providerIssuer && (
                  <p className="mt-1 text-xs text-amber-700">
                    Pick a provider: authorization_servers is its issuer in direct mode.
                  </p>
                )}
              </div>
            </>
          ) : (
            <p className="text-xs text-slate-500">
              {draft.auth === "passthrough"
                ? "The upstream's own challenges and well-known documents are forwarded unchanged."
                : "No metadata is published: the server is open."}
            </p>
          )}
        </div>
      )}
    </Card>
  );
}
