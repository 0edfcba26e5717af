"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useQuery } from "@tanstack/react-query";
import type { ServerView } from "@/lib/config/model";
import type { LogEntrySummary } from "@/lib/runtime/request-entries";
import { api } from "@/app/_lib/api";
import { clockTime } from "@/app/_lib/format";
import { Badge, Button, Dot, EmptyState, PageHeader, cx } from "@/components/ui";

const OUTCOMES = ["accepted", "rejected", "unauthenticated", "permissive", "passthrough", "error"] as const;
const OUTCOME_TONE: Record<string, "green" | "red" | "amber" | "slate" | "sky"> = {
  accepted: "green",
  rejected: "red",
  unauthenticated: "amber",
  permissive: "amber",
  passthrough: "sky",
  error: "red",
};
const MAX_ROWS = 500;

type Conn = "connecting" | "live" | "paused" | "reconnecting";

export function LiveLog() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const server = params.get("server") ?? "";
  const outcome = params.get("outcome") ?? "";
  const [entries, setEntries] = useState<LogEntrySummary[]>([]);
  const [conn, setConn] = useState<Conn>("connecting");
  const [paused, setPaused] = useState(false);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });

  const setFilter = (k: "server" | "outcome", v: string) => {
    const q = new URLSearchParams(params.toString());
    if (v) q.set(k, v);
    else q.delete(k);
    router.replace(`${pathname}${q.size ? `?${q}` : ""}`);
  };

  useEffect(() => {
    const q = new URLSearchParams();
    if (server) q.set("server", server);
    if (outcome) q.set("outcome", outcome);
    const es = new EventSource(`/api/requests/stream${q.size ? `?${q}` : ""}`);
    setConn("connecting");
    es.addEventListener("snapshot", (ev) => {
      setEntries(JSON.parse((ev as MessageEvent).data) as LogEntrySummary[]);
      setConn("live");
    });
    es.addEventListener("entry", (ev) => {
      if (pausedRef.current) return;
      const e = JSON.parse((ev as MessageEvent).data) as LogEntrySummary;
      setEntries((xs) => [e, ...xs.filter((x) => x.id !== e.id)].slice(0, MAX_ROWS));
    });
    es.onerror = () => setConn("reconnecting");
    es.onopen = () => setConn("live");
    return () => es.close();
  }, [server, outcome]);

  const counts = useMemo(() => {
    const c: Record<string, number> = {};
    for (const e of entries) c[e.outcome] = (c[e.outcome] ?? 0) + 1;
    return c;
  }, [entries]);

  const state = paused ? "paused" : conn;
  return (
    <>
      <PageHeader
        title="Live log"
        description="The gateway's latest decisions on MCP requests, as they happen. Tokens are never shown; click a rejection to see its diagnosis."
        actions={
          <>
            <span className="flex items-center gap-2 text-xs text-slate-500" data-testid="stream-state">
              <Dot tone={state === "live" ? "green" : state === "paused" ? "slate" : "amber"} />
              {state === "live"
                ? "Live"
                : state === "paused"
                  ? "Paused"
                  : state === "connecting"
                    ? "Connecting…"
                    : "Reconnecting…"}
            </span>
            <Button size="sm" onClick={() => setPaused((p) => !p)}>
              {paused ? "Resume" : "Pause"}
            </Button>
            <Button size="sm" onClick={() => setEntries([])}>
              Clear view
            </Button>
          </>
        }
      />
      <div className="mb-4 flex flex-wrap items-center gap-3">
        <select
          aria-label="Filter by server"
          className="input w-48"
          value={server}
          onChange={(e) => setFilter("server", e.target.value)}
        >
          <option value="">All servers</option>
          {servers.data?.map((s) => (
            <option key={s.name} value={s.name}>
              {s.name}
            </option>
          ))}
        </select>
        <div className="flex flex-wrap gap-1.5" role="group" aria-label="Filter by outcome">
          <FilterChip active={!outcome} onClick={() => setFilter("outcome", "")}>
            All
          </FilterChip>
          {OUTCOMES.map((o) => (
            <FilterChip key={o} active={outcome === o} onClick={() => setFilter("outcome", outcome === o ? "" : o)}>
              {o}
              {counts[o] ? <span className="ml-1 text-slate-400">{counts[o]}</span> : null}
            </FilterChip>
          ))}
        </div>
      </div>

      {entries.length === 0 ? (
        <EmptyState title={conn === "connecting" ? "Connecting to the gateway…" : "No requests yet"}>
          {server || outcome ? "Nothing matches these filters yet. " : ""}
          Decisions appear here the moment an MCP client calls a server through the gateway.
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs">
          <table className="table" data-testid="log-table">
            <thead>
              <tr>
                <th className="w-24">Time</th>
                <th>Server</th>
                <th>Outcome</th>
                <th>Reason</th>
                <th>Subject / client</th>
                <th className="text-right">ms</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <LogRow key={e.id} e={e} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function FilterChip({
  active,
  onClick,
  children,
}: {
  active: boolean;
  onClick: () => void;
  children: React.ReactNode;
}) {
  return (
    <button
      type="button"
      aria-pressed={active}
      onClick={onClick}
      className={cx(
        "rounded-full px-3 py-1 text-xs font-medium ring-1 ring-inset",
        active
          ? "bg-indigo-600 text-white ring-indigo-600"
          : "bg-white text-slate-600 ring-slate-200 hover:bg-slate-50",
      )}
    >
      {children}
    </button>
  );
}

function LogRow({ e }: { e: LogEntrySummary }) {
  const router = useRouter();
  const open = e.hasDiagnosis ? () => router.push(`/inspector?request=${encodeURIComponent(e.id)}`) : undefined;
  return (
    <tr
      className={cx(
        open && "cursor-pointer hover:bg-slate-50",
        (e.outcome === "rejected" || e.status >= 500) && "bg-rose-50/30",
      )}
      onClick={open}
      data-testid="log-row"
      data-outcome={e.outcome}
      data-selftest={e.selftest ? "" : undefined}
      title={open ? "Open the diagnosis in the inspector" : undefined}
    >
      <td className="font-mono text-xs whitespace-nowrap text-slate-500">{clockTime(e.at)}</td>
      <td className="max-w-56">
        <Link
          href={`/servers/${e.server}`}
          className="text-sm font-medium wrap-anywhere text-slate-800 hover:underline"
          onClick={(ev) => ev.stopPropagation()}
        >
          {e.server}
        </Link>
        <div className="font-mono text-xs text-slate-400">
          {e.method} {e.status}
        </div>
        {e.mcpMethod && (
          <div className="font-mono text-xs text-slate-600" data-testid="mcp-operation">
            {e.mcpMethod}
            {e.mcpName && <span className="text-slate-900"> {e.mcpName}</span>}
          </div>
        )}
      </td>
      <td>
        <Badge tone={OUTCOME_TONE[e.outcome] ?? "slate"}>{e.outcome}</Badge>
        {e.selftest && (
          <div className="mt-1">
            <Badge tone="sky" title="Sent by the console's self-test, not by a client">
              self-test
            </Badge>
          </div>
        )}
      </td>
      <td className="max-w-md">
        {e.code && <code className="text-xs font-semibold text-slate-700">{e.code}</code>}
        {e.rule && <span className="ml-1 text-xs text-slate-500">rule {e.rule}</span>}
        {e.reason && <div className="line-clamp-2 text-xs text-slate-600">{e.reason}</div>}
        {open && <span className="text-xs font-medium text-indigo-700">Open diagnosis →</span>}
      </td>
      <td className="text-xs text-slate-600">
        {e.subject ?? <span className="text-slate-400">—</span>}
        {e.client && <div className="text-slate-400">{e.client}</div>}
        {e.fingerprint && (
          <div className="font-mono text-slate-400" title="Token fingerprint (hash prefix)">
            #{e.fingerprint}
          </div>
        )}
      </td>
      <td className="text-right font-mono text-xs text-slate-500 tabular-nums">
        {e.durationMs !== undefined ? Math.round(e.durationMs) : ""}
      </td>
    </tr>
  );
}
