"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FacadeClientView } from "@/lib/oauth/clients-admin";
import { api, errorMessage } from "@/lib/console/api";
import { Badge, Card, ConfirmDelete, ErrorState, Loading } from "@/components/ui";

type ClientList = { clients: FacadeClientView[]; total: number };

/** Clients that registered at this provider's facade (DCR), with a delete per client. */
export function FacadeClients({ provider }: { provider: string }) {
  const key = ["provider-clients", provider];
  const list = useQuery({ queryKey: key, queryFn: () => api<ClientList>(`/api/providers/${encodeURIComponent(provider)}/clients`) });
  const count = list.data ? `${list.data.total} registered` : undefined;
  return (
    <Card title="Registered clients" description={count ?? "MCP clients that registered at this provider's facade (proxy mode)"} padded={false}>
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.clients.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No client has registered at this provider&apos;s facade.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {list.data.clients.map((c) => (
            <ClientRow key={c.clientId} provider={provider} client={c} queryKey={key} />
          ))}
        </ul>
      )}
    </Card>
  );
}

function ClientRow({ provider, client: c, queryKey }: { provider: string; client: FacadeClientView; queryKey: string[] }) {
  const qc = useQueryClient();
  const del = useMutation({
    mutationFn: () => api(`/api/providers/${encodeURIComponent(provider)}/clients/${encodeURIComponent(c.clientId)}`, { method: "DELETE" }),
    onSuccess: () => qc.invalidateQueries({ queryKey }),
  });
  return (
    <li className="flex items-start justify-between gap-4 px-5 py-3" data-testid={`client-row-${c.clientId}`}>
      <div className="min-w-0 space-y-0.5">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-800">
          <span className="font-medium">{c.clientName ?? "(no name)"}</span>
          <code className="rounded bg-slate-100 px-1 text-xs">{c.clientId}</code>
          <Badge>{c.hasSecret ? "confidential" : "public"}</Badge>
          {c.upstreamClientId && <Badge tone="sky" title="The client the gateway registered at the IdP for this one">upstream {c.upstreamClientId}</Badge>}
        </div>
        <div className="truncate text-xs text-slate-500" title={c.redirectUris.join(" ")}>
          {c.redirectUris.join(", ")} · registered {new Date(c.createdAt).toLocaleString()}
        </div>
      </div>
      <ConfirmDelete what="client" name={c.clientId} busy={del.isPending} error={del.error ? errorMessage(del.error) : undefined} onConfirm={() => del.mutate()} />
    </li>
  );
}
