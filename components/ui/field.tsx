"use client";
/** A labelled form control with its hint or error below; a field with an error is marked (red label and error). */
import type { ReactNode } from "react";

export function Field({
  label,
  hint,
  error,
  children,
  htmlFor,
  className,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  children: ReactNode;
  htmlFor?: string;
  className?: string;
}) {
  return (
    <div className={className} data-field-error={error ? "" : undefined}>
      <label
        htmlFor={htmlFor}
        className={`mb-1 block text-sm font-medium ${error ? "text-rose-700" : "text-slate-700"}`}
      >
        {label}
      </label>
      {children}
      {error ? (
        <p className="mt-1 text-xs text-rose-600" role="alert">
          {error}
        </p>
      ) : hint ? (
        <p className="mt-1 text-xs text-slate-500">{hint}</p>
      ) : null}
    </div>
  );
}
