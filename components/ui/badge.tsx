"use client";
/** Small status marks: a coloured pill and a dot. */
import type { ReactNode } from "react";
import { cx } from "./cx";

type Tone = "slate" | "green" | "red" | "amber" | "indigo" | "sky";

const tones: Record<Tone, string> = {
  slate: "bg-slate-100 text-slate-700 ring-slate-200",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  red: "bg-rose-50 text-rose-700 ring-rose-200",
  amber: "bg-amber-50 text-amber-800 ring-amber-200",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  sky: "bg-sky-50 text-sky-700 ring-sky-200",
};

export function Badge({
  tone = "slate",
  children,
  className,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  className?: string;
  title?: string;
}) {
  return (
    <span
      title={title}
      className={cx(
        "inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

export function Dot({ tone }: { tone: "green" | "red" | "amber" | "slate" }) {
  const c = { green: "bg-emerald-500", red: "bg-rose-500", amber: "bg-amber-500", slate: "bg-slate-300" }[tone];
  return <span className={cx("inline-block size-2 shrink-0 rounded-full", c)} aria-hidden />;
}
