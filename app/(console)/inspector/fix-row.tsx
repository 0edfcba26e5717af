"use client";
/** One suggested fix: the config change it makes, and a button that applies it (and re-checks when it can). */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { Check, Fix } from "@/lib/tokens/types";
import { api, errorMessage } from "@/app/_lib/api";
import { Button } from "@/components/ui";

export function FixRow({
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
