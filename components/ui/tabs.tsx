"use client";
/** A segmented control choosing one of a few views. */
import type { ReactNode } from "react";
import { cx } from "./cx";

export function Tabs<T extends string>({
  value,
  onChange,
  items,
}: {
  value: T;
  onChange: (v: T) => void;
  items: Array<{ value: T; label: ReactNode }>;
}) {
  return (
    <div className="inline-flex rounded-md bg-slate-100 p-0.5" role="tablist">
      {items.map((it) => (
        <button
          key={it.value}
          type="button"
          role="tab"
          aria-selected={value === it.value}
          onClick={() => onChange(it.value)}
          className={cx(
            "rounded px-3 py-1 text-xs font-medium",
            value === it.value ? "bg-white text-slate-900 shadow-xs" : "text-slate-600 hover:text-slate-900",
          )}
        >
          {it.label}
        </button>
      ))}
    </div>
  );
}
