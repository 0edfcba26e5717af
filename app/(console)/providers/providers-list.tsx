"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ProviderView, ServerView } from "@/lib/config/model";
import { api } from "@/app/_lib/api";
import { Badge, ButtonLink, EmptyState, ErrorState, Loading, PageHeader } from "@/components/ui";

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
                      <Link href={`/providers/${p.name}`} className="font-medium text-indigo-700 hover:underline">
                        {p.name}
                      </Link>
                      <div className="mt-0.5 text-xs text-slate-500">{p.kind}</div>
                    </td>
                    <td className="max-w-sm">
                      <span className="block truncate font-mono text-xs text-slate-700" title={p.issuer}>
                        {p.issuer}
                      </span>
                    </td>
                    <td>
                      {p.clientId ? (
                        <code className="text-xs text-slate-700">{p.clientId}</code>
                      ) : (
                        <span className="text-xs text-slate-400">dynamic registration</span>
                      )}
                      <div className="mt-1">
                        {p.clientSecretSet ? <Badge tone="green">secret set</Badge> : <Badge>no secret</Badge>}
                      </div>
                    </td>
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
