"use client";
import { useRouter, useSearchParams } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ServerView } from "@/lib/config/model";
import { api, errorMessage } from "@/app/_lib/api";
import { Alert, Button, ButtonLink, ConfirmDelete, ErrorState, Loading, PageHeader } from "@/components/ui";
import { ServerForm } from "../_form/server-form";
import { AuthSummary, UpstreamStatus } from "../servers-list";
import { SelftestPanel, type SelftestResult } from "./selftest-panel";
import { PolicyEditor } from "./policy-editor";

export function ServerDetail({ name }: { name: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const saved = useSearchParams().get("saved") === "1";
  const server = useQuery({
    queryKey: ["server", name],
    queryFn: () => api<ServerView>(`/api/servers/${encodeURIComponent(name)}`),
  });
  const selftest = useMutation({
    mutationFn: (o: { publicBase?: string; token?: string } = {}) =>
      api<SelftestResult>(`/api/servers/${encodeURIComponent(name)}/selftest`, { method: "POST", body: o }),
  });
  const del = useMutation({
    mutationFn: () => api(`/api/servers/${encodeURIComponent(name)}`, { method: "DELETE" }),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: ["servers"] });
      router.push("/servers");
    },
  });

  if (server.isPending) return <Loading />;
  if (server.isError) return <ErrorState error={server.error} retry={() => server.refetch()} />;
  const s = server.data;

  return (
    <>
      <PageHeader
        title={`Server ${name}`}
        description={
          <span className="flex flex-wrap items-start gap-3">
            <code className="mt-0.5 text-xs">{s.effectivePath}</code>
            <span className="text-slate-300">→</span>
            <span data-testid="upstream-health">
              <UpstreamStatus name={name} upstream={s.upstream} />
            </span>
            <AuthSummary server={s} />
          </span>
        }
        actions={
          <>
            {s.auth === "oauth" && (
              <Button variant="primary" busy={selftest.isPending} onClick={() => selftest.mutate({})}>
                Run self-test
              </Button>
            )}
            <ButtonLink href={`/log?server=${name}`}>Live log</ButtonLink>
            <ButtonLink href={`/audit?server=${name}`}>Audit</ButtonLink>
            <ConfirmDelete
              what="server"
              name={name}
              busy={del.isPending}
              error={del.error ? errorMessage(del.error) : undefined}
              onConfirm={() => del.mutate()}
            />
          </>
        }
      />
      <div className="space-y-6">
        {saved && <Alert tone="green">Saved. The gateway serves the new settings immediately.</Alert>}
        {selftest.isError && <ErrorState error={selftest.error} retry={() => selftest.mutate({})} />}
        {selftest.data && (
          <SelftestPanel
            result={selftest.data}
            busy={selftest.isPending}
            onRun={(publicBase, token) => selftest.mutate({ publicBase, token })}
          />
        )}
        <ServerForm key={server.dataUpdatedAt} server={s} />
        <PolicyEditor key={`policy-${name}`} server={s} />
      </div>
    </>
  );
}
