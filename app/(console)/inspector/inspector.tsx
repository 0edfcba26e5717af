"use client";
import { useEffect, useState, type FormEvent } from "react";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ServerView } from "@/lib/config/model";
import type { InspectResult } from "@/lib/inspect";
import type { Check, Diagnosis, ExpectedAudience, Fix, JsonValue } from "@/lib/tokens/types";
import type { RequestLogEntry } from "@/lib/runtime/request-log";
import { api, errorMessage, fieldErrorMap } from "@/app/_lib/api";
import { claimTime, clockTime, relativeTime } from "@/app/_lib/format";
import { Alert, Badge, Button, Card, EmptyState, ErrorState, Field, Loading, PageHeader, cx } from "@/components/ui";
import { OperationCheckCard } from "./operation-check";

const PICK_LABEL: Record<InspectResult["pick"]["by"], string> = {
  given: "chosen by you",
  iss_and_aud: "picked by the token's iss and aud",
  iss: "picked by the token's iss",
  only_server: "the only OAuth server",
};

export function Inspector() {
  const params = useSearchParams();
  const requestId = params.get("request");
  const [token, setToken] = useState("");
  const [server, setServer] = useState("");
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const oauthServers = (servers.data ?? []).filter((s) => s.auth === "oauth");

  const inspect = useMutation({
    mutationFn: (vars: { token: string; server?: string }) =>
      api<InspectResult>("/api/inspect", { method: "POST", body: vars }),
  });
  const stored = useQuery({
    queryKey: ["request", requestId],
    queryFn: () => api<RequestLogEntry>(`/api/requests/${encodeURIComponent(requestId!)}`),
    enabled: Boolean(requestId),
    staleTime: Infinity,
  });

  // The token lives in this component's memory only: gone when the page is left.
  useEffect(() => () => setToken(""), []);

  const run = (e?: FormEvent) => {
    e?.preventDefault();
    if (!token.trim()) return;
    inspect.mutate({ token: token.trim(), server: server || undefined });
  };
  const errors = fieldErrorMap(inspect.error);
  const showStored = Boolean(requestId) && !inspect.data && !inspect.isPending;

  return (
    <>
      <PageHeader
        title="Token inspector"
        description="Paste an access token to see exactly what the gateway checks, what it expected, and how to fix a rejection. The token is sent only to this gateway, never stored or logged."
      />
      <div className="space-y-6">
        <Card>
          <form onSubmit={run} className="grid gap-5 lg:grid-cols-4">
            <Field label="Access token" htmlFor="token" error={errors.token} className="lg:col-span-3">
              <textarea
                id="token"
                rows={4}
                className="input font-mono text-xs break-all"
                placeholder="eyJhbGciOiJSUzI1NiIsImtpZCI6Ij…"
                spellCheck={false}
                autoComplete="off"
                autoCorrect="off"
                autoCapitalize="off"
                aria-invalid={!!errors.token || undefined}
                value={token}
                onChange={(e) => setToken(e.target.value)}
              />
            </Field>
            <div className="flex flex-col gap-4">
              <Field label="Server" htmlFor="server" error={errors.server}>
                <select id="server" className="input" value={server} onChange={(e) => setServer(e.target.value)}>
                  <option value="">Auto (by iss / aud)</option>
                  {oauthServers.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Button type="submit" variant="primary" busy={inspect.isPending} disabled={!token.trim()}>
                Inspect token
              </Button>
            </div>
          </form>
        </Card>

        {token.trim() && oauthServers.length > 0 && <OperationCheckCard token={token} servers={oauthServers} />}

        {inspect.isError && !Object.keys(errors).length && <ErrorState error={inspect.error} retry={() => run()} />}
        {inspect.isError && Object.keys(errors).length > 0 && <Alert>{errorMessage(inspect.error)}</Alert>}

        {inspect.data && (
          <DiagnosisView
            diagnosis={inspect.data.diagnosis}
            server={inspect.data.server}
            pickNote={`${PICK_LABEL[inspect.data.pick.by]}${inspect.data.pick.alternatives.length ? ` · also matches ${inspect.data.pick.alternatives.join(", ")}` : ""}`}
            onFixed={() => inspect.mutate({ token: token.trim(), server: inspect.data!.server })}
            canRerun={Boolean(token.trim())}
          />
        )}

        {showStored &&
          (stored.isPending ? (
            <Loading label="Loading the stored diagnosis…" />
          ) : stored.isError ? (
            <ErrorState error={stored.error} />
          ) : stored.data.diagnosis ? (
            <>
              <Alert
                tone="sky"
                title={`Stored diagnosis of a ${stored.data.outcome} request to ${stored.data.server} at ${clockTime(stored.data.at)}`}
              >
                The gateway keeps the diagnosis, not the token. Apply a fix below, then paste the token (or retry from
                the client) to check again.
              </Alert>
              <DiagnosisView
                diagnosis={stored.data.diagnosis as Diagnosis}
                server={stored.data.server}
                canRerun={false}
              />
            </>
          ) : (
            <EmptyState title="No diagnosis stored for this request">
              {stored.data.reason ?? "The request carried no token, so there was nothing to check."}
            </EmptyState>
          ))}

        {!inspect.data && !requestId && !inspect.isPending && (
          <EmptyState title="Nothing inspected yet">
            Paste a token above. Rejected requests in the{" "}
            <Link className="text-indigo-700 underline" href="/log">
              live log
            </Link>{" "}
            open here with their diagnosis too.
          </EmptyState>
        )}
      </div>
    </>
  );
}

function DiagnosisView({
  diagnosis: d,
  server,
  pickNote,
  onFixed,
  canRerun,
}: {
  diagnosis: Diagnosis;
  server: string;
  pickNote?: string;
  onFixed?: () => void;
  canRerun: boolean;
}) {
  const failures = d.checks.filter((c) => c.status === "fail");
  const fixes = d.checks.filter((c): c is Check & { fix: Fix } => !!c.fix && c.status !== "pass");
  const aud = d.checks.find((c) => c.id === "aud");
  const expected = Array.isArray(aud?.expected) ? (aud!.expected as unknown as ExpectedAudience[]) : [];
  const accepted = d.verdict === "accept";

  return (
    <div className="space-y-6" data-testid="diagnosis" data-verdict={d.verdict}>
      <div
        className={cx(
          "rounded-lg border px-5 py-4",
          accepted ? "border-emerald-200 bg-emerald-50" : "border-rose-200 bg-rose-50",
        )}
      >
        <div className="flex flex-wrap items-center gap-3">
          <span
            className={cx("text-lg font-semibold", accepted ? "text-emerald-800" : "text-rose-800")}
            data-testid="verdict"
          >
            {accepted ? "Accepted" : `Rejected · ${d.httpStatus}${d.oauthError ? ` ${d.oauthError}` : ""}`}
          </span>
          <span className="text-sm text-slate-600">
            for server{" "}
            <Link href={`/servers/${server}`} className="font-medium text-slate-900 hover:underline">
              {server}
            </Link>{" "}
            · provider <span className="font-medium text-slate-900">{d.provider}</span>
            {pickNote && <span className="text-slate-500"> ({pickNote})</span>}
          </span>
        </div>
        {!accepted && d.failed && <p className="mt-1 text-sm text-rose-900">{d.failed.message}</p>}
        {accepted && (
          <p className="mt-1 text-sm text-emerald-900">
            {d.subject ? `Subject ${d.subject}` : "No subject"}
            {d.clientId ? ` · client ${d.clientId}` : ""}
            {d.scopes.length ? ` · scopes ${d.scopes.join(" ")}` : ""}
            {d.expiresAt ? ` · ${claimTime("exp", d.expiresAt)}` : ""}
          </p>
        )}
        <p className="mt-2 text-xs text-slate-500">
          Token fingerprint <code>{d.fingerprint}</code> · checked {relativeTime(d.checkedAt)} · signature{" "}
          {d.signatureVerified ? "verified" : "not verified"}
        </p>
      </div>

      {fixes.length > 0 && (
        <Card
          title={`How to fix ${fixes.length === 1 ? "it" : "these"}`}
          description="Each fix is a small config change. Applying one re-runs the check."
        >
          <ul className="space-y-3">
            {fixes.map((c) => (
              <FixRow key={c.id} check={c} onFixed={onFixed} canRerun={canRerun} />
            ))}
          </ul>
        </Card>
      )}

      <Card
        title="Checks"
        description={`${d.checks.length} steps, in the order the gateway runs them${failures.length ? ` · ${failures.length} failed` : ""}`}
        padded={false}
      >
        <ul className="divide-y divide-slate-100" data-testid="checks">
          {d.checks.map((c) => (
            <CheckRow key={c.id} check={c} />
          ))}
        </ul>
      </Card>

      {expected.length > 0 || aud ? (
        <Card
          title="Accepted audiences"
          description={`One value of the token's aud must equal one of these exactly. Token aud: ${JSON.stringify(aud?.actual ?? d.claims?.aud ?? null)}`}
          padded={false}
        >
          {expected.length === 0 ? (
            <p className="px-5 py-4 text-sm text-slate-500">
              This server accepts no audience: give it a public URL or configure extra audiences.
            </p>
          ) : (
            <table className="table" data-testid="expected-audiences">
              <thead>
                <tr>
                  <th>Value</th>
                  <th>Comes from</th>
                </tr>
              </thead>
              <tbody>
                {expected.map((e) => {
                  const hit = audList(aud?.actual).includes(e.value);
                  return (
                    <tr key={e.value}>
                      <td className="font-mono text-xs break-all">
                        {e.value} {hit && <Badge tone="green">matches</Badge>}
                      </td>
                      <td className="text-xs text-slate-600">
                        <Badge tone={e.source === "client_id" ? "amber" : e.source === "configured" ? "sky" : "indigo"}>
                          {e.source.replace("_", " ")}
                        </Badge>{" "}
                        <span className="ml-1">{e.detail}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Card>
      ) : null}

      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ClaimsCard title="Header" values={d.header} />
        <ClaimsCard title="Claims" values={d.claims} times />
      </div>

      <Card title="Signing keys" description="The provider's JWKS as the gateway's cache sees it.">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-slate-500">JWKS URL</dt>
          <dd className="font-mono text-xs break-all">{d.keySource.url}</dd>
          <dt className="text-slate-500">State</dt>
          <dd>
            <Badge tone={d.keySource.state === "fresh" ? "green" : d.keySource.state === "cold" ? "slate" : "amber"}>
              {d.keySource.state}
            </Badge>
            {d.keySource.fetchedAt && (
              <span className="ml-2 text-xs text-slate-500">fetched {relativeTime(d.keySource.fetchedAt)}</span>
            )}
          </dd>
          <dt className="text-slate-500">Key ids</dt>
          <dd className="font-mono text-xs">{d.keySource.kids.length ? d.keySource.kids.join(", ") : "none"}</dd>
          {d.keySource.lastError && (
            <>
              <dt className="text-slate-500">Last error</dt>
              <dd className="text-xs text-rose-700">{d.keySource.lastError.message}</dd>
            </>
          )}
        </dl>
      </Card>
    </div>
  );
}

const audList = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

function FixRow({
  check,
  onFixed,
  canRerun,
}: {
  check: Check & { fix: Fix };
  onFixed?: () => void;
  canRerun: boolean;
}) {
  const qc = useQueryClient();
  const { patch } = check.fix;
  const apply = useMutation({
    mutationFn: () => {
      const body = "set" in patch ? { set: patch.set } : { append: patch.append };
      return api(
        `/api/${patch.entity === "server" ? "servers" : "providers"}/${encodeURIComponent(patch.name)}/patch`,
        { method: "POST", body },
      );
    },
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: [patch.entity === "server" ? "servers" : "providers"] });
      qc.invalidateQueries({ queryKey: [patch.entity, patch.name] });
      onFixed?.();
    },
  });
  const change =
    "set" in patch
      ? Object.entries(patch.set).map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
      : Object.entries(patch.append).map(([k, v]) => `${k} += ${JSON.stringify(v)}`);
  return (
    <li
      className="flex flex-wrap items-start justify-between gap-4 rounded-md border border-amber-200 bg-amber-50/60 px-4 py-3"
      data-testid={`fix-${check.id}`}
    >
      <div className="min-w-0 flex-1">
        <p className="text-sm font-medium text-slate-900">{check.fix.label}</p>
        {check.hint && <p className="mt-0.5 text-xs text-slate-600">{check.hint}</p>}
        <p className="mt-1 font-mono text-xs text-slate-500">
          {patch.entity} {patch.name}: {change.join(", ")}
        </p>
        {apply.isError && <p className="mt-1 text-xs text-rose-700">{errorMessage(apply.error)}</p>}
        {apply.isSuccess && !canRerun && (
          <p className="mt-1 text-xs text-emerald-700">
            Applied. The next request with this token is checked against the new config.
          </p>
        )}
      </div>
      <Button
        variant="primary"
        size="sm"
        busy={apply.isPending}
        disabled={apply.isSuccess}
        onClick={() => apply.mutate()}
      >
        {apply.isSuccess ? "Applied" : canRerun ? "Apply fix and re-check" : "Apply fix"}
      </Button>
    </li>
  );
}

const STATUS_STYLE: Record<Check["status"], { mark: string; cls: string }> = {
  pass: { mark: "✓", cls: "bg-emerald-100 text-emerald-700" },
  fail: { mark: "✕", cls: "bg-rose-100 text-rose-700" },
  warn: { mark: "!", cls: "bg-amber-100 text-amber-800" },
  skip: { mark: "–", cls: "bg-slate-100 text-slate-400" },
};

function CheckRow({ check: c }: { check: Check }) {
  const s = STATUS_STYLE[c.status];
  const showValues = c.status !== "pass" && c.status !== "skip" && c.id !== "aud";
  return (
    <li
      className={cx("flex gap-3 px-5 py-3", c.status === "fail" && "bg-rose-50/50")}
      data-testid={`check-${c.id}`}
      data-status={c.status}
    >
      <span
        className={cx("mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold", s.cls)}
        aria-label={c.status}
      >
        {s.mark}
      </span>
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline gap-x-2">
          <code className="text-xs font-semibold text-slate-700">{c.id}</code>
          <span className={cx("text-sm", c.status === "skip" ? "text-slate-400" : "text-slate-800")}>{c.message}</span>
          {c.status === "fail" && <Badge tone="red">{c.code}</Badge>}
          {c.unverified && (
            <Badge tone="amber" title="Computed on claims whose signature was not verified">
              unverified
            </Badge>
          )}
        </div>
        {showValues && (c.expected !== undefined || c.actual !== undefined) && (
          <dl className="mt-1.5 grid grid-cols-[5rem_1fr] gap-x-2 gap-y-0.5 text-xs">
            {c.expected !== undefined && (
              <>
                <dt className="text-slate-500">expected</dt>
                <dd className="font-mono break-all text-emerald-800">{show(c.expected)}</dd>
              </>
            )}
            {c.actual !== undefined && (
              <>
                <dt className="text-slate-500">actual</dt>
                <dd className="font-mono break-all text-rose-800">{show(c.actual)}</dd>
              </>
            )}
          </dl>
        )}
        {c.hint && c.status !== "pass" && !c.fix && <p className="mt-1 text-xs text-slate-600">→ {c.hint}</p>}
      </div>
    </li>
  );
}

const show = (v: JsonValue) => (typeof v === "string" ? v : JSON.stringify(v));

const TIME_CLAIMS = new Set(["exp", "nbf", "iat", "auth_time"]);

function ClaimsCard({ title, values, times }: { title: string; values?: Record<string, JsonValue>; times?: boolean }) {
  return (
    <Card
      title={title}
      description={times ? "Decoded without trust: the checks above say what is verified." : undefined}
      padded={false}
    >
      {!values || Object.keys(values).length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">Could not decode.</p>
      ) : (
        <table className="table">
          <tbody>
            {Object.entries(values).map(([k, v]) => (
              <tr key={k}>
                <td className="w-32 font-mono text-xs text-slate-500">{k}</td>
                <td className="font-mono text-xs break-all text-slate-800">
                  {show(v)}
                  {times && TIME_CLAIMS.has(k) && typeof v === "number" && (
                    <span
                      className={cx(
                        "ml-2 font-sans",
                        k === "exp" && v * 1000 < Date.now() ? "text-rose-700" : "text-slate-500",
                      )}
                      data-testid={`claim-time-${k}`}
                    >
                      {claimTime(k, v)} ·{" "}
                      {new Date(v * 1000)
                        .toISOString()
                        .replace("T", " ")
                        .replace(/\.\d+Z$/, " UTC")}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
