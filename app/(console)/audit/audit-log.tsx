"use client";
/**
 * The MCP audit trail: filters (the API's own schema, through the zod
 * resolver) kept in the URL, pages newest first, and CSV/JSON export of
 * exactly what is filtered.
 */
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import { z } from "zod";
import type { ServerView } from "@/lib/config/model";
import { auditFilterSchema } from "@/lib/audit/filters";
import { auditDecisions, type AuditEntry } from "@/lib/audit/record";
import { api } from "@/app/_lib/api";
import { clockTime } from "@/app/_lib/format";
import { Badge, Button, ButtonLink, Card, EmptyState, ErrorState, Field, Loading, PageHeader } from "@/components/ui";

const KEYS = ["server", "subject", "client", "tool", "outcome", "from", "to"] as const;
/** The API's filter schema; an empty input is "no filter". */
const filterForm = z.preprocess(
  (v) => Object.fromEntries(Object.entries(v as Record<string, string>).filter(([, x]) => x !== "")),
  auditFilterSchema.pick({
    server: true,
    subject: true,
    client: true,
    tool: true,
    outcome: true,
    from: true,
    to: true,
  }),
);
type FilterValues = Record<(typeof KEYS)[number], string>;
type Filters = z.output<typeof filterForm>;

const TONE: Record<string, "green" | "red" | "amber" | "slate" | "sky"> = {
  allow: "green",
  deny: "red",
  challenge: "amber",
  rate_limited: "amber",
  invalid: "red",
  rejected: "red",
};

/** ISO 8601 back to what a datetime-local input shows. */
function toLocal(v: string | null): string {
  if (!v) return "";
  const d = new Date(v);
  if (Number.isNaN(d.getTime())) return "";
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

export function AuditLog() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = new URLSearchParams();
  for (const k of KEYS) if (params.get(k)) query.set(k, params.get(k)!);
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const form = useForm<FilterValues, unknown, Filters>({
    resolver: zodResolver(filterForm as unknown as z.ZodType<Filters, FilterValues>),
    defaultValues: Object.fromEntries(
      KEYS.map((k) => [k, k === "from" || k === "to" ? toLocal(params.get(k)) : (params.get(k) ?? "")]),
    ) as FilterValues,
  });
  const errors = form.formState.errors;
  const pages = useInfiniteQuery({
    queryKey: ["audit", query.toString()],
    initialPageParam: "",
    queryFn: ({ pageParam }) => {
      const q = new URLSearchParams(query);
      q.set("limit", "100");
      if (pageParam) q.set("cursor", pageParam);
      return api<{ entries: AuditEntry[]; nextCursor?: string }>(`/api/audit?${q}`);
    },
    getNextPageParam: (last) => last.nextCursor,
    // Records are written within about a second of the response: keep the view current.
    refetchInterval: 5000,
  });
  const entries = pages.data?.pages.flatMap((p) => p.entries) ?? [];

  const apply = (v: Filters) => {
    const q = new URLSearchParams();
    for (const k of KEYS) {
      const x = v[k];
      if (x !== undefined) q.set(k, x instanceof Date ? x.toISOString() : x);
    }
    router.replace(`${pathname}${q.size ? `?${q}` : ""}`);
  };

  return (
    <>
      <PageHeader
        title="Audit"
        description="Every MCP operation on servers with audit on: who called what, the decision and the rule that made it, the status and the latency. Tokens are never recorded."
        actions={
          <>
            <ButtonLink href={`/api/audit/export?format=csv${query.size ? `&${query}` : ""}`}>Export CSV</ButtonLink>
            <ButtonLink href={`/api/audit/export?format=json${query.size ? `&${query}` : ""}`}>Export JSON</ButtonLink>
          </>
        }
      />
      <div className="space-y-6">
        <Card>
          <form
            onSubmit={form.handleSubmit(apply)}
            className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4"
            data-testid="audit-filters"
          >
            <Field label="Server" htmlFor="f-server" error={errors.server?.message}>
              <select id="f-server" className="input" {...form.register("server")}>
                <option value="">All servers</option>
                {(servers.data ?? []).map((s) => (
                  <option key={s.name} value={s.name}>
                    {s.name}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Outcome" htmlFor="f-outcome" error={errors.outcome?.message}>
              <select id="f-outcome" className="input" {...form.register("outcome")}>
                <option value="">Any</option>
                {auditDecisions.map((d) => (
                  <option key={d} value={d}>
                    {d.replace("_", " ")}
                  </option>
                ))}
              </select>
            </Field>
            <Field label="Tool, prompt or resource" htmlFor="f-tool" error={errors.tool?.message}>
              <input id="f-tool" className="input" {...form.register("tool")} />
            </Field>
            <Field label="Subject" htmlFor="f-subject" error={errors.subject?.message}>
              <input id="f-subject" className="input" {...form.register("subject")} />
            </Field>
            <Field label="Client" htmlFor="f-client" error={errors.client?.message}>
              <input id="f-client" className="input" {...form.register("client")} />
            </Field>
            <Field label="From" htmlFor="f-from" error={errors.from?.message}>
              <input id="f-from" type="datetime-local" className="input" {...form.register("from")} />
            </Field>
            <Field label="To" htmlFor="f-to" error={errors.to?.message}>
              <input id="f-to" type="datetime-local" className="input" {...form.register("to")} />
            </Field>
            <div className="flex items-end gap-2">
              <Button type="submit" variant="primary">
                Apply filters
              </Button>
              <Button
                onClick={() => {
                  form.reset(Object.fromEntries(KEYS.map((k) => [k, ""])) as FilterValues);
                  router.replace(pathname);
                }}
              >
                Clear
              </Button>
            </div>
          </form>
        </Card>

        {pages.isPending ? (
          <Loading />
        ) : pages.isError ? (
          <ErrorState error={pages.error} retry={() => pages.refetch()} />
        ) : entries.length === 0 ? (
          <EmptyState title="No audit records">
            {query.size ? "Nothing matches these filters. " : ""}Turn on the audit trail on a server&apos;s page to
            record its MCP operations.
          </EmptyState>
        ) : (
          <div className="overflow-hidden rounded-lg border border-slate-200 bg-white shadow-xs">
            <table className="table" data-testid="audit-table">
              <thead>
                <tr>
                  <th className="w-40">Time</th>
                  <th>Server</th>
                  <th>Operation</th>
                  <th>Decision</th>
                  <th>Subject / client</th>
                  <th className="text-right">Status</th>
                  <th className="text-right">ms</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-decision={e.decision}>
                    <td className="font-mono text-xs whitespace-nowrap text-slate-500" title={e.at}>
                      {new Date(e.at).toLocaleDateString()} {clockTime(e.at)}
                    </td>
                    <td>
                      <Link
                        href={`/servers/${e.server}`}
                        className="text-sm font-medium text-slate-800 hover:underline"
                      >
                        {e.server}
                      </Link>
                    </td>
                    <td className="font-mono text-xs">
                      {e.method ?? <span className="text-slate-400">(not read)</span>}
                      {e.name && <div className="break-all text-slate-900">{e.name}</div>}
                      {e.arguments && <div className="line-clamp-2 break-all text-slate-500">{e.arguments}</div>}
                    </td>
                    <td>
                      <Badge tone={TONE[e.decision] ?? "slate"}>{e.decision.replace("_", " ")}</Badge>
                      {e.rule && <div className="text-xs text-slate-500">rule {e.rule}</div>}
                    </td>
                    <td className="text-xs text-slate-600">
                      {e.subject ?? <span className="text-slate-400">—</span>}
                      {e.client && <div className="text-slate-400">{e.client}</div>}
                    </td>
                    <td className="text-right font-mono text-xs">{e.status}</td>
                    <td className="text-right font-mono text-xs text-slate-500 tabular-nums">
                      {Math.round(e.latencyMs)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {pages.hasNextPage && (
              <div className="border-t border-slate-100 p-3 text-center">
                <Button busy={pages.isFetchingNextPage} onClick={() => pages.fetchNextPage()}>
                  Load older records
                </Button>
              </div>
            )}
          </div>
        )}
      </div>
    </>
  );
}
