"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type {
  FacadeClientDeletion as Deleted,
  FacadeClientList as ClientList,
  FacadeClientView,
} from "@/lib/oauth/clients-admin";
import { api, errorMessage, isApiError } from "@/app/_lib/api";
import { Badge, Card, ConfirmDelete, ErrorState, Loading } from "@/components/ui";

/** The query holding a provider's client list (the provider page refreshes it after a failed provider delete). */
export const facadeClientsKey = (provider: string) => ["provider-clients", provider];

/** The facade's clients (registered, or known by their metadata document), with last use and a delete per client. */
export function FacadeClients({ provider }: { provider: string }) {
  const key = facadeClientsKey(provider);
  const list = useQuery({
    queryKey: key,
    queryFn: () => api<ClientList>(`/api/providers/${encodeURIComponent(provider)}/clients`),
  });
  const count = list.data
    ? `${list.data.total} ${list.data.total === 1 ? "client" : "clients"}, ${list.data.neverUsed} never used, ${list.data.expired} expired (removed at the next sweep)`
    : undefined;
  // What the last delete did at the IdP: the row is gone, so the card says it.
  const [notice, setNotice] = useState<string>();
  return (
    <Card
      title="Clients"
      description={
        count ?? "MCP clients of this provider's facade (proxy mode): registered, or known by their metadata document"
      }
      padded={false}
    >
      {notice && (
        <p
          className="border-b border-slate-100 bg-slate-50 px-5 py-2 text-sm text-slate-700"
          role="status"
          data-testid="client-delete-notice"
        >
          {notice}
        </p>
      )}
      {list.isPending ? (
        <Loading />
      ) : list.isError ? (
        <ErrorState error={list.error} retry={() => list.refetch()} />
      ) : list.data.clients.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">No client has registered at this provider&apos;s facade.</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {list.data.clients.map((c) => (
            <ClientRow
              key={c.clientId}
              provider={provider}
              client={c}
              queryKey={key}
              onDeleted={(d) => setNotice(`Deleted ${d.deleted}. ${d.idp.message}`)}
            />
          ))}
        </ul>
      )}
    </Card>
  );
}

function ClientRow({
  provider,
  client: c,
  queryKey,
  onDeleted,
}: {
  provider: string;
  client: FacadeClientView;
  queryKey: string[];
  onDeleted: (d: Deleted) => void;
}) {
  const qc = useQueryClient();
  const del = useMutation({
    mutationFn: (idp: "delete" | "keep") =>
      api<Deleted>(
        `/api/providers/${encodeURIComponent(provider)}/clients/${encodeURIComponent(c.clientId)}?idp=${idp}`,
        { method: "DELETE" },
      ),
    onSuccess: (d) => {
      onDeleted(d);
      return qc.invalidateQueries({ queryKey });
    },
  });
  // The IdP could not delete its client: nothing was deleted; offer to delete it here only.
  const idpFailed = isApiError(del.error) && del.error.code === "idp_unavailable";
  return (
    <li className="flex items-start justify-between gap-4 px-5 py-3" data-testid={`client-row-${c.clientId}`}>
      <div className="min-w-0 space-y-0.5">
        <div className="flex flex-wrap items-center gap-2 text-sm text-slate-800">
          <span className="font-medium">{c.clientName ?? "(no name)"}</span>
          <code className="rounded bg-slate-100 px-1 text-xs">{c.clientId}</code>
          <Badge>{c.hasSecret ? "confidential" : "public"}</Badge>
          {c.kind === "metadata_document" && (
            <Badge tone="sky" title="Known by its client ID metadata document: the id is the document's URL">
              metadata document
            </Badge>
          )}
          {c.expired && <Badge title="Past the provider's expiry rules: removed at the next sweep">expired</Badge>}
          {c.idpClientId && (
            <Badge
              tone="sky"
              title={
                c.idpDeletable
                  ? "The client the gateway registered at the IdP for this one; deleting this client deletes it there too"
                  : "The client the gateway registered at the IdP for this one; the IdP gave no way to delete it, so it stays there"
              }
            >
              IdP client {c.idpClientId}
            </Badge>
          )}
        </div>
        <div className="truncate text-xs text-slate-500" title={c.redirectUris.join(" ")}>
          {c.redirectUris.join(", ")} · {c.kind === "metadata_document" ? "first seen" : "registered"}{" "}
          {new Date(c.createdAt).toLocaleString()} ·{" "}
          {c.lastUsedAt ? `last used ${new Date(c.lastUsedAt).toLocaleString()}` : "never used"}
        </div>
      </div>
      <ConfirmDelete
        what="client"
        name={c.clientId}
        busy={del.isPending}
        error={del.error ? errorMessage(del.error) : undefined}
        onConfirm={() => del.mutate("delete")}
        detail={
          c.idpClientId &&
          (c.idpDeletable
            ? `The client the gateway registered for it at the identity provider, ${c.idpClientId}, is deleted there first.`
            : `The client the gateway registered for it at the identity provider, ${c.idpClientId}, stays there: remove it in the IdP's console.`)
        }
        alternative={idpFailed ? { label: "Delete here only", onClick: () => del.mutate("keep") } : undefined}
      />
    </li>
  );
}
