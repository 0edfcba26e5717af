"use client";
import Link from "next/link";
import { useQuery } from "@tanstack/react-query";
import type { ServerView } from "@/lib/config/model";
import type { GatewayStatus, ServerActivity } from "@/lib/status/gateway-status";
import type { ProbeResult } from "@/lib/status/upstream-probe";
import { api } from "@/app/_lib/api";
import { relativeTime } from "@/app/_lib/format";
import { Alert, Badge, ButtonLink, Dot, EmptyState, ErrorState, Loading, PageHeader, Spinner } from "@/components/ui";

export function ServersList() {
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const status = useQuery({
    queryKey: ["status"],
    queryFn: () => api<GatewayStatus>("/api/status"),
    refetchInterval: 10_000,
    refetchOnMount: "always",
  });

  return (
    <>
      <PageHeader
        title="Servers"
        description="Virtual MCP servers published by this gateway: who may reach each upstream, and how clients discover where to get a token."
        actions={
          <ButtonLink href="/servers/new" variant="primary">
            New server
          </ButtonLink>
        }
      />
      {status.data && !status.data.database.ok && <DatabaseDown status={status.data} />}
      {servers.isPending ? (
        <Loading label="Loading servers…" />
      ) : servers.isError ? (
        <ErrorState error={servers.error} retry={() => servers.refetch()} />
      ) : servers.data.length === 0 ? (
        <EmptyState
          title="No servers yet"
          action={
            <ButtonLink href="/servers/new" variant="primary">
              Create your first server
            </ButtonLink>
          }
        >
          A server publishes an upstream MCP endpoint at <code>/servers/&lt;name&gt;/mcp</code> and protects it with a
          provider&apos;s tokens. Set up a provider first if the server will use OAuth.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-xs">
          <table className="table">
            <thead>
              <tr>
                <th>Server</th>
                <th>Auth</th>
                <th>Upstream</th>
                <th className="text-right">Last hour</th>
                <th>Last problem</th>
              </tr>
            </thead>
            <tbody>
              {servers.data.map((s) => (
                <ServerRow key={s.name} server={s} activity={status.data?.servers[s.name]} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

/** The database is down: say what still works (from /api/status, answered from memory). */
function DatabaseDown({ status }: { status: GatewayStatus }) {
  return (
    <div className="mb-4" data-testid="database-down">
      <Alert tone="amber" title={`The database is unreachable (since ${relativeTime(status.database.since)})`}>
        MCP traffic keeps flowing with the last loaded configuration (version {status.gateway.configVersion}). Changes
        cannot be saved and OAuth sign-ins through the gateway fail until it is back.
        {status.database.error && <div className="mt-1 font-mono text-xs">{status.database.error}</div>}
      </Alert>
    </div>
  );
}

function ServerRow({ server: s, activity }: { server: ServerView; activity?: ServerActivity }) {
  return (
    <tr className="hover:bg-slate-50/60" data-testid={`server-row-${s.name}`}>
      <td className="max-w-64 min-w-40">
        <Link href={`/servers/${s.name}`} className="font-medium wrap-anywhere text-indigo-700 hover:underline">
          {s.name}
        </Link>
        <div className="mt-0.5 font-mono text-xs wrap-anywhere text-slate-500">{s.effectivePath}</div>
      </td>
      <td>
        <AuthSummary server={s} />
      </td>
      <td>
        <UpstreamStatus name={s.name} upstream={s.upstream} />
      </td>
      <td className="text-right whitespace-nowrap tabular-nums">
        {activity ? (
          <>
            <div className="text-slate-900">{activity.requests} req</div>
            <div className={activity.rejections ? "text-rose-600" : "text-slate-400"}>
              {activity.rejections} rejected
            </div>
            {activity.failures > 0 && <div className="text-rose-600">{activity.failures} failed</div>}
          </>
        ) : (
          <span className="text-slate-400">—</span>
        )}
      </td>
      <td className="max-w-xs">
        <LastProblem activity={activity} />
      </td>
    </tr>
  );
}

export function AuthSummary({ server: s }: { server: Pick<ServerView, "auth" | "oauth"> }) {
  if (s.auth === "passthrough")
    return (
      <Badge tone="sky" title="The upstream does its own auth; everything is forwarded unchanged">
        passthrough
      </Badge>
    );
  if (s.auth === "none")
    return (
      <Badge tone="amber" title="No authentication: anyone who can reach the gateway can use this server">
        no auth
      </Badge>
    );
  return (
    <div className="space-y-1">
      <div className="flex flex-wrap gap-1">
        <Badge
          tone="indigo"
          title={
            s.oauth?.mode === "direct"
              ? "Clients talk to the IdP directly"
              : "Clients talk to the gateway's authorization-server facade"
          }
        >
          OAuth · {s.oauth?.mode ?? "proxy"}
        </Badge>
        {s.oauth?.enforcement && s.oauth.enforcement !== "strict" && <Badge tone="amber">{s.oauth.enforcement}</Badge>}
      </div>
      {s.oauth?.provider && (
        <div className="text-xs text-slate-500">
          via{" "}
          <Link className="font-medium text-slate-700 hover:underline" href={`/providers/${s.oauth.provider}`}>
            {s.oauth.provider}
          </Link>
        </div>
      )}
    </div>
  );
}

/** The newer of the last rejection (opens its diagnosis) and the last failure (a 5xx: opens the live log). */
function LastProblem({ activity }: { activity?: ServerActivity }) {
  const r = activity?.lastRejection;
  const f = activity?.lastFailure;
  const last = r && (!f || r.at >= f.at) ? r : f;
  if (!last) return <span className="text-xs text-slate-400">none</span>;
  return (
    <Link
      href={last === r ? `/inspector?request=${last.id}` : "/log"}
      className="group block"
      title={last === r ? "Open the diagnosis in the inspector" : "Open the live log"}
    >
      <Badge tone="red">{last.code ?? last.status}</Badge>
      <span className="ml-2 text-xs text-slate-400">{relativeTime(last.at)}</span>
      {last.reason && (
        <div className="mt-1 line-clamp-2 text-xs text-slate-600 group-hover:text-slate-900">{last.reason}</div>
      )}
    </Link>
  );
}

/** Whether the server's upstream answers MCP (probed every 30 s), for the list and the server's page. */
export function UpstreamStatus({ name, upstream }: { name: string; upstream: string }) {
  const probe = useQuery({
    queryKey: ["probe", name, upstream],
    queryFn: () => api<ProbeResult>(`/api/status/upstream/${encodeURIComponent(name)}`),
    refetchInterval: 30_000,
    staleTime: 20_000,
  });
  let host = upstream;
  try {
    const u = new URL(upstream);
    host = u.host + u.pathname;
  } catch {
    /* keep as is */
  }
  return (
    <div className="min-w-0">
      <div className="flex items-center gap-2">
        {probe.isPending ? (
          <Spinner className="size-3 text-slate-400" />
        ) : (
          <Dot tone={probe.data?.healthy ? "green" : "red"} />
        )}
        <span className="truncate font-mono text-xs text-slate-700" title={upstream}>
          {host}
        </span>
      </div>
      <div className="mt-0.5 text-xs text-slate-500">
        {probe.isPending
          ? "probing…"
          : probe.isError
            ? "probe failed"
            : `${probe.data.healthy ? "healthy" : "unhealthy"} · ${probe.data.detail} · ${probe.data.ms} ms`}
      </div>
    </div>
  );
}
