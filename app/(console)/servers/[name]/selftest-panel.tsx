"use client";
import { useState } from "react";
import type { SelftestReport, StepStatus } from "@/lib/selftest";
import { Badge, Button, Card, Tabs, cx } from "@/components/ui";

export type SelftestResult = SelftestReport & { bases: string[] };

const ICON: Record<StepStatus, { tone: string; mark: string; label: string }> = {
  pass: { tone: "bg-emerald-100 text-emerald-700", mark: "✓", label: "pass" },
  fail: { tone: "bg-rose-100 text-rose-700", mark: "✕", label: "fail" },
  warn: { tone: "bg-amber-100 text-amber-800", mark: "!", label: "warning" },
  skip: { tone: "bg-slate-100 text-slate-400", mark: "–", label: "not checked" },
};

/** "all clear" only when nothing failed and nothing warned: a warning is something a client may trip over. */
function Outcome({ r }: { r: SelftestResult }) {
  const warnings = r.steps.filter((s) => s.status === "warn").length;
  if (!r.ok) return <Badge tone="red">broken at step {r.steps.findIndex((s) => s.id === r.firstFailure) + 1}</Badge>;
  if (warnings) return <Badge tone="amber">no failure · {warnings === 1 ? "1 warning" : `${warnings} warnings`}</Badge>;
  return <Badge tone="green">all clear</Badge>;
}

/** Layouts a particular client is known to trip over: other clients work, so not a step's warning. */
function ClientNotes({ notes }: { notes: SelftestReport["clientNotes"] }) {
  if (!notes?.length) return null;
  return (
    <div className="border-t border-slate-100 px-5 py-3" data-testid="selftest-client-notes">
      <p className="text-sm font-medium text-slate-700">Known to break particular clients</p>
      <ul className="mt-1 space-y-1.5">
        {notes.map((n) => (
          <li key={n.id} className="text-xs text-slate-600" data-testid={`selftest-note-${n.id}`}>
            <Badge tone="amber">{n.client}</Badge> {n.detail}
            {n.actual && <code className="ml-1 text-slate-500">{n.actual}</code>}
            {n.hint && <p className="mt-0.5 text-slate-700">→ {n.hint}</p>}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** An optional access token to check too (its verdict, and one MCP request with it). Sent once, never kept. */
function TokenCheck({ onRun, busy }: { onRun: (token: string) => void; busy?: boolean }) {
  const [token, setToken] = useState("");
  return (
    <form
      className="flex flex-wrap items-end gap-3 border-t border-slate-100 px-5 py-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (token.trim()) onRun(token.trim());
      }}
    >
      <label className="min-w-0 flex-1 text-sm">
        <span className="mb-1 block font-medium text-slate-700">Check a client&apos;s token too</span>
        <input
          className="input font-mono text-xs"
          type="password"
          autoComplete="off"
          placeholder="eyJ… (an access token from the IdP)"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-label="Access token for the self-test"
        />
      </label>
      <Button type="submit" busy={busy} disabled={!token.trim()}>
        Run with this token
      </Button>
    </form>
  );
}

export function SelftestPanel({
  result: r,
  onRun,
  busy,
}: {
  result: SelftestResult;
  onRun: (base: string, token?: string) => void;
  busy?: boolean;
}) {
  return (
    <Card
      title="Client's-eye self-test"
      description={`What an MCP client sees at ${r.mcpUrl}`}
      actions={
        <>
          {r.bases.length > 1 && (
            <Tabs
              value={r.publicBase}
              onChange={(b) => !busy && onRun(b)}
              items={r.bases.map((b) => ({ value: b, label: new URL(b).host }))}
            />
          )}
          <Outcome r={r} />
        </>
      }
      padded={false}
    >
      <ol className="divide-y divide-slate-100" data-testid="selftest">
        {r.steps.map((s, i) => {
          const first = s.id === r.firstFailure;
          const icon = ICON[s.status];
          return (
            <li
              key={s.id}
              className={cx("flex gap-3 px-5 py-3", first && "bg-rose-50 ring-1 ring-rose-200 ring-inset")}
              data-status={s.status}
              data-testid={`selftest-step-${s.id}`}
              aria-current={first ? "step" : undefined}
            >
              <span
                className={cx(
                  "mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-xs font-bold",
                  icon.tone,
                )}
                aria-label={icon.label}
              >
                {icon.mark}
              </span>
              <div className="min-w-0 flex-1">
                <div className="flex flex-wrap items-baseline gap-x-2">
                  <span className="text-xs text-slate-400">{i + 1}.</span>
                  <span
                    className={cx("text-sm font-medium", s.status === "skip" ? "text-slate-400" : "text-slate-800")}
                  >
                    {s.title}
                  </span>
                  {first && <Badge tone="red">first broken step</Badge>}
                </div>
                <p
                  className={cx(
                    "mt-0.5 text-xs break-words",
                    s.status === "skip" ? "text-slate-400" : "text-slate-600",
                  )}
                >
                  {s.detail}
                </p>
                {s.url && (
                  <code className="mt-0.5 block truncate text-xs text-slate-500" title={s.url}>
                    {s.url}
                  </code>
                )}
                {(s.expected || s.actual) && (
                  <dl className="mt-1.5 grid grid-cols-[5rem_1fr] gap-x-2 gap-y-0.5 text-xs">
                    {s.expected && (
                      <>
                        <dt className="text-slate-500">expected</dt>
                        <dd className="font-mono break-all text-emerald-800">{s.expected}</dd>
                      </>
                    )}
                    {s.actual && (
                      <>
                        <dt className="text-slate-500">{s.status === "pass" ? "value" : "actual"}</dt>
                        <dd
                          className={cx(
                            "font-mono break-all",
                            s.status === "pass" ? "text-slate-600" : "text-rose-800",
                          )}
                        >
                          {s.actual}
                        </dd>
                      </>
                    )}
                  </dl>
                )}
                {s.hint && s.status !== "pass" && <p className="mt-1.5 text-xs text-slate-700">→ {s.hint}</p>}
              </div>
            </li>
          );
        })}
      </ol>
      <ClientNotes notes={r.clientNotes} />
      <TokenCheck busy={busy} onRun={(token) => onRun(r.publicBase, token)} />
    </Card>
  );
}
