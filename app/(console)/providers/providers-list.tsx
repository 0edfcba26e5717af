"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ProviderView, ServerView } from "@/lib/config/model";
import type { ProviderHealth } from "@/lib/status/provider-health";
import { api } from "@/app/_lib/api";
import {
  Badge,
  ButtonLink,
  Dot,
  EmptyState,
  ErrorState,
  InlineCode,
  Loading,
  PageHeader,
  Spinner,
} from "@/components/ui";

export function ProvidersList() {
  const providers = useQuery({ queryKey: ["providers"], queryFn: () => api<ProviderView[]>("/api/providers") });
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const usedBy = (name: string) => (servers.data ?? []).filter((s) => s.oauth?.provider === name).map((s) => s.name);

  return (
    <>
      <PageHeader
        title="Providers"
        description="Identity providers that issue the tokens your MCP clients present. Secrets are write-only."
        actions={
          <ButtonLink href="/providers/new" variant="primary">
            New provider
          </ButtonLink>
        }
      />
      {providers.isPending ? (
        <Loading label="Loading providers…" />
      ) : providers.isError ? (
        <ErrorState error={providers.error} retry={() => providers.refetch()} />
      ) : providers.data.length === 0 ? (
        <EmptyState
          title="No providers yet"
          action={
            <ButtonLink href="/providers/new" variant="primary">
              Add a provider
            </ButtonLink>
          }
        >
          Add the identity provider (Keycloak, Auth0, Authentik, Entra ID, Okta…) whose tokens your OAuth-protected
          servers accept.
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs">
          <table className="table">
            <thead>
              <tr>
                <th>Provider</th>
                <th>Issuer</th>
                <th>Health</th>
                <th>Client</th>
                <th>Used by</th>
              </tr>
            </thead>
            <tbody>
              {providers.data.map((p) => {
                const users = usedBy(p.name);
                return (
                  <tr key={p.name} className="hover:bg-slate-50/60" data-testid={`provider-row-${p.name}`}>
                    <td>
                      <Link
                        href={`/providers/${p.name}`}
                        className="font-medium wrap-anywhere text-indigo-700 hover:underline"
                      >
                        {p.name}
                      </Link>
                      <div className="mt-0.5 text-xs text-slate-500">{p.kind}</div>
                    </td>
                    <td className="max-w-sm">
                      <span className="block truncate font-mono text-xs text-slate-700" title={p.issuer}>
                        {p.issuer}
                      </span>
                    </td>
                    <ProviderHealthCells provider={p} />
                    <td className="text-xs text-slate-600">
                      {users.length ? (
                        <div className="flex flex-wrap gap-1">
                          {users.map((u) => (
                            <Link key={u} href={`/servers/${u}`} className="hover:underline">
                              <Badge tone="indigo">{u}</Badge>
                            </Link>
                          ))}
                        </div>
                      ) : (
                        <span className="text-slate-400">no servers</span>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** Health (a short discovery, every minute) and the client: a provider without a client id needs the IdP's DCR. */
function ProviderHealthCells({ provider: p }: { provider: ProviderView }) {
  const health = useQuery({
    queryKey: ["provider-health", p.name, p.issuer],
    queryFn: () => api<ProviderHealth>(`/api/status/provider/${encodeURIComponent(p.name)}`),
    refetchInterval: 60_000,
    staleTime: 30_000,
  });
  const h = health.data;
  return (
    <>
      <td className="max-w-xs" data-testid={`provider-health-${p.name}`}>
        <div className="flex items-start gap-2">
          <span className="mt-1">
            {health.isPending ? (
              <Spinner className="size-3 text-slate-400" />
            ) : (
              <Dot tone={h?.healthy ? "green" : "red"} />
            )}
          </span>
          <span className="line-clamp-3 text-xs text-slate-600" title={h?.detail}>
            {health.isPending ? (
              "checking…"
            ) : health.isError || !h ? (
              "check failed"
            ) : (
              <>
                <span className="font-medium text-slate-800">{h.healthy ? "healthy" : "unhealthy"}</span> ·{" "}
                <InlineCode text={h.detail} />
              </>
            )}
          </span>
        </div>
      </td>
      <td>
        {p.clientId ? (
          <code className="text-xs text-slate-700">{p.clientId}</code>
        ) : h?.dynamicRegistration ? (
          <span className="text-xs text-slate-500">dynamic registration</span>
        ) : h?.dynamicRegistration === false ? (
          <span className="text-xs text-rose-700">no client id, and the IdP offers no dynamic registration</span>
        ) : (
          <span className="text-xs text-slate-400">no client id</span>
        )}
        <div className="mt-1">
          {p.clientSecretSet ? <Badge tone="green">secret set</Badge> : <Badge>no secret</Badge>}
        </div>
      </td>
    </>
  );
}
