"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import type { ProviderView, ServerView } from "@/lib/config/model";
import type { DiscoveryReport } from "@/lib/providers/discover-report";
import { api, errorMessage, isApiError } from "@/app/_lib/api";
import {
  Alert,
  Badge,
  Button,
  Card,
  ConfirmDelete,
  Dot,
  ErrorState,
  InlineCode,
  Loading,
  PageHeader,
} from "@/components/ui";
import { ProviderForm } from "../_form/provider-form";
import { FacadeClients, facadeClientsKey } from "./facade-clients";

export function ProviderDetail({ name }: { name: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const saved = useSearchParams().get("saved") === "1";
  const provider = useQuery({
    queryKey: ["provider", name],
    queryFn: () => api<ProviderView>(`/api/providers/${encodeURIComponent(name)}`),
  });
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const usedBy = (servers.data ?? []).filter((s) => s.oauth?.provider === name).map((s) => s.name);
  const discover = useMutation({
    mutationFn: () => api<DiscoveryReport>(`/api/discover/${encodeURIComponent(name)}`, { method: "POST" }),
  });
  // Just saved: a quick discovery says at once whether the issuer answers as expected (the save stands).
  const afterSave = useQuery({
    queryKey: ["discover-after-save", name],
    queryFn: () => api<DiscoveryReport>(`/api/discover/${encodeURIComponent(name)}?quick=1`, { method: "POST" }),
    enabled: saved,
    staleTime: Infinity,
    gcTime: 0,
    retry: false,
  });
  const report = discover.data ?? afterSave.data;
  const del = useMutation({
    mutationFn: (idp: "delete" | "keep") =>
      api(`/api/providers/${encodeURIComponent(name)}?idp=${idp}`, { method: "DELETE" }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["providers"] });
      router.push("/providers");
    },
    // After an IdP failure some clients may be gone already: show the list as it now is.
    onError: () => qc.invalidateQueries({ queryKey: facadeClientsKey(name) }),
  });
  // The IdP could not delete some of its clients: the provider stays; offer to delete it here only.
  const idpFailed = isApiError(del.error) && del.error.code === "idp_unavailable";

  if (provider.isPending) return <Loading />;
  if (provider.isError) return <ErrorState error={provider.error} retry={() => provider.refetch()} />;

  return (
    <>
      <PageHeader
        title={`Provider ${name}`}
        description={<span className="font-mono text-xs">{provider.data.issuer}</span>}
        actions={
          <>
            <Button variant="primary" busy={discover.isPending} onClick={() => discover.mutate()}>
              Discover
            </Button>
            <ConfirmDelete
              what="provider"
              name={name}
              busy={del.isPending}
              error={del.error ? errorMessage(del.error) : undefined}
              onConfirm={() => del.mutate("delete")}
              detail="Its registered clients are deleted too, and so are the clients the gateway registered for them at the identity provider, there first."
              alternative={idpFailed ? { label: "Delete here only", onClick: () => del.mutate("keep") } : undefined}
              blockedBy={
                usedBy.length > 0 ? (
                  <p data-testid="provider-in-use">
                    It is used by {usedBy.length === 1 ? "server" : "servers"}{" "}
                    {usedBy.map((u, i) => (
                      <span key={u}>
                        {i > 0 && ", "}
                        <Link className="font-medium text-indigo-700 underline" href={`/servers/${u}`}>
                          {u}
                        </Link>
                      </span>
                    ))}
                    . Point {usedBy.length === 1 ? "it" : "them"} at another provider, or delete{" "}
                    {usedBy.length === 1 ? "it" : "them"}, first.
                  </p>
                ) : undefined
              }
            />
          </>
        }
      />
      <div className="space-y-6">
        {saved && <Alert tone="green">Saved. The gateway uses the new settings immediately.</Alert>}
        {saved && afterSave.isPending && (
          <Alert tone="sky">Checking the identity provider (discovery documents and keys)…</Alert>
        )}
        {saved && !discover.data && afterSave.data && afterSave.data.problems.length > 0 && (
          <SaveWarnings report={afterSave.data} />
        )}
        {discover.isError && <ErrorState error={discover.error} retry={() => discover.mutate()} />}
        {report && <DiscoveryPanel report={report} />}
        {!report && !discover.isPending && !afterSave.isPending && (
          <Alert tone="sky" title="What does this IdP really support?">
            <span>
              Discover fetches its discovery documents and JWKS and reports PKCE, dynamic registration, resource
              indicators, the iss parameter, and the quirks Portcullis applies.
            </span>
          </Alert>
        )}
        <ProviderForm key={provider.dataUpdatedAt} provider={provider.data} />
        <FacadeClients provider={name} />
      </div>
    </>
  );
}

/** What the discovery right after a save found: saved all the same, but the operator should look now. */
function SaveWarnings({ report: r }: { report: DiscoveryReport }) {
  const errors = r.problems.filter((p) => p.severity === "error").length;
  return (
    <div data-testid="save-warnings">
      <Alert
        tone={errors ? "red" : "amber"}
        title={
          errors
            ? `The provider was saved, but it will not work as it is: discovery found ${errors === 1 ? "a problem" : `${errors} problems`}`
            : "The provider was saved; discovery has warnings"
        }
      >
        <ul className="list-disc space-y-0.5 pl-5 text-xs">
          {r.problems.map((p, i) => (
            <li key={i}>
              <span className="font-medium">{p.item}</span>: <InlineCode text={p.message} />
            </li>
          ))}
        </ul>
      </Alert>
    </div>
  );
}

function Cap({ label, value, detail }: { label: string; value: boolean | null; detail?: string }) {
  return (
    <div className="flex items-start gap-2.5 py-1.5">
      <span className="mt-1.5">
        <Dot tone={value === null ? "slate" : value ? "green" : "red"} />
      </span>
      <div>
        <div className="text-sm text-slate-800">{label}</div>
        <div className="text-xs text-slate-500">
          {value === null ? "not advertised" : value ? "supported" : "not supported"}
          {detail ? ` · ${detail}` : ""}
        </div>
      </div>
    </div>
  );
}

export function DiscoveryPanel({ report: r }: { report: DiscoveryReport }) {
  const c = r.capabilities;
  return (
    <Card
      title="Discovery report"
      description={r.metadata ? `Using ${r.metadata.source}` : "No usable metadata found"}
      actions={r.ok ? <Badge tone="green">ok</Badge> : <Badge tone="red">problems found</Badge>}
      padded={false}
    >
      <div data-testid="discovery-report">
        {r.problems.length > 0 && (
          <ul className="space-y-1 border-b border-slate-100 px-5 py-4">
            {r.problems.map((p, i) => (
              <li key={i} className="flex gap-2 text-sm">
                <Badge tone={p.severity === "error" ? "red" : "amber"}>{p.severity}</Badge>
                <span className="font-medium text-slate-700">{p.item}</span>
                <span className="text-slate-600">
                  <InlineCode text={p.message} />
                </span>
              </li>
            ))}
          </ul>
        )}
        <div className="grid gap-x-8 px-5 py-4 sm:grid-cols-2 lg:grid-cols-3">
          <Cap label="PKCE S256" value={c.pkceS256} detail={c.pkceMethods?.join(", ")} />
          <Cap label="Dynamic client registration" value={c.dynamicRegistration} />
          <Cap label="Resource indicators (RFC 8707)" value={c.resourceIndicators} />
          <Cap label="iss response parameter (RFC 9207)" value={c.issResponseParameter} />
          <Cap
            label="JWKS reachable"
            value={r.jwks ? r.jwks.reachable : null}
            detail={
              r.jwks
                ? `${r.jwks.keyIds.length} key${r.jwks.keyIds.length === 1 ? "" : "s"} (${r.jwks.source})`
                : undefined
            }
          />
          <Cap
            label="Token endpoint auth"
            value={c.tokenEndpointAuthMethods ? true : null}
            detail={c.tokenEndpointAuthMethods?.join(", ")}
          />
        </div>
        <div className="border-t border-slate-100 px-5 py-4">
          <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">Discovery documents</h3>
          <ul className="space-y-1.5">
            {r.documents.map((d) => (
              <li key={d.url} className="flex items-center gap-2 text-xs">
                <Dot tone={d.found ? (d.issuerMatches === false ? "amber" : "green") : "slate"} />
                <span className="w-24 shrink-0 text-slate-500">{d.form}</span>
                <code className="min-w-0 truncate text-slate-700" title={d.url}>
                  {d.url}
                </code>
                <span className="shrink-0 whitespace-nowrap text-slate-500">
                  {d.found
                    ? d.issuerMatches === false
                      ? `issuer differs: ${d.issuer}`
                      : "found"
                    : d.error
                      ? d.error.message.replace(`${d.url}: `, "")
                      : d.status
                        ? `HTTP ${d.status}`
                        : "not found"}
                </span>
              </li>
            ))}
          </ul>
          {r.jwks && (
            <p className="mt-3 text-xs text-slate-600">
              JWKS <code>{r.jwks.url}</code>
              {r.jwks.keyIds.length > 0 && (
                <>
                  {" "}
                  · key ids{" "}
                  {r.jwks.keyIds.map((k) => (
                    <code key={k} className="mr-1 rounded bg-slate-100 px-1">
                      {k}
                    </code>
                  ))}
                </>
              )}
              {r.jwks.error && <span className="text-rose-600"> · {r.jwks.error.message}</span>}
            </p>
          )}
        </div>
        <div className="border-t border-slate-100 px-5 py-4">
          <h3 className="mb-2 text-xs font-medium tracking-wide text-slate-500 uppercase">
            Profile: {r.profile.label}
          </h3>
          <p className="mb-2 text-sm text-slate-700" data-testid="discovery-audience">
            <span className="font-medium">Audience: </span>
            <InlineCode text={r.profile.audience} />
          </p>
          {r.quirks.length === 0 ? (
            <p className="text-sm text-slate-500">No quirks: standard behaviour.</p>
          ) : (
            <ul className="list-disc space-y-1 pl-5 text-sm text-slate-700">
              {r.quirks.map((q) => (
                <li key={q.id}>
                  <InlineCode text={q.description} />
                </li>
              ))}
            </ul>
          )}
          {r.profile.notes.length > 0 && (
            <ul className="mt-2 space-y-0.5 text-xs text-slate-500">
              {r.profile.notes.map((n, i) => (
                <li key={i}>
                  <InlineCode text={n} />
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </Card>
  );
}
