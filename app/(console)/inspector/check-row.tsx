"use client";
/** One check of the pipeline: its status, message and code, and expected against actual when it did not pass. */
import type { Check } from "@/lib/tokens/types";
import { Badge, cx } from "@/components/ui";
import { showJson } from "./show-json";

const STATUS_STYLE: Record<Check["status"], { mark: string; cls: string }> = {
  pass: { mark: "✓", cls: "bg-emerald-100 text-emerald-700" },
  fail: { mark: "✕", cls: "bg-rose-100 text-rose-700" },
  warn: { mark: "!", cls: "bg-amber-100 text-amber-800" },
  skip: { mark: "–", cls: "bg-slate-100 text-slate-400" },
};

export function CheckRow({ check: c }: { check: Check }) {
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
                <dd className="font-mono break-all text-emerald-800">{showJson(c.expected)}</dd>
              </>
            )}
            {c.actual !== undefined && (
              <>
                <dt className="text-slate-500">actual</dt>
                <dd className="font-mono break-all text-rose-800">{showJson(c.actual)}</dd>
              </>
            )}
          </dl>
        )}
        {c.hint && c.status !== "pass" && !c.fix && <p className="mt-1 text-xs text-slate-600">→ {c.hint}</p>}
      </div>
    </li>
  );
}
