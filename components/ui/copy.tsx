"use client";
/** Copy-to-clipboard: a button, and a value shown with one. */
import { useEffect, useState } from "react";

export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1500);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      aria-label={`${label}: ${value}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
        } catch {
          const ta = document.createElement("textarea");
          ta.value = value;
          document.body.appendChild(ta);
          ta.select();
          document.execCommand("copy");
          ta.remove();
        }
        setCopied(true);
      }}
      className="shrink-0 rounded px-1.5 py-0.5 text-xs font-medium text-slate-500 ring-1 ring-slate-200 hover:bg-slate-50 hover:text-slate-900"
    >
      {copied ? "Copied" : label}
    </button>
  );
}

/** A value with a copy button, monospace, truncating gracefully. */
export function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <div className="min-w-0">
      <div className="text-xs font-medium text-slate-500">{label}</div>
      <div className="mt-0.5 flex items-center gap-2">
        <code
          className="min-w-0 flex-1 truncate rounded bg-slate-50 px-2 py-1 text-xs text-slate-800 ring-1 ring-slate-200"
          title={value}
        >
          {value}
        </code>
        <CopyButton value={value} />
      </div>
    </div>
  );
}
