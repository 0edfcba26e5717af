"use client";
/** Notices in four tones, and the error state of a failed query. */
import type { ReactNode } from "react";
import { errorMessage } from "@/lib/errors";
import { Button } from "./button";
import { cx } from "./cx";

export function Alert({
  tone = "red",
  title,
  children,
  action,
}: {
  tone?: "red" | "amber" | "green" | "sky";
  title?: ReactNode;
  children?: ReactNode;
  action?: ReactNode;
}) {
  const t = {
    red: "border-rose-200 bg-rose-50 text-rose-800",
    amber: "border-amber-200 bg-amber-50 text-amber-900",
    green: "border-emerald-200 bg-emerald-50 text-emerald-800",
    sky: "border-sky-200 bg-sky-50 text-sky-900",
  }[tone];
  return (
    <div
      className={cx("flex items-start justify-between gap-4 rounded-md border px-4 py-3 text-sm", t)}
      role={tone === "red" ? "alert" : "status"}
    >
      <div className="min-w-0">
        {title && <p className="font-medium">{title}</p>}
        {children && <div className={title ? "mt-1" : undefined}>{children}</div>}
      </div>
      {action}
    </div>
  );
}

export function ErrorState({ error, retry }: { error: unknown; retry?: () => void }) {
  const msg = errorMessage(error);
  return (
    <Alert
      title="Something went wrong"
      action={
        retry && (
          <Button size="sm" onClick={retry}>
            Retry
          </Button>
        )
      }
    >
      {msg}
    </Alert>
  );
}
