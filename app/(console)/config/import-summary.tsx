"use client";
/**
 * What an import did (or a dry run would do): created, updated (each changed field, old → new, and the
 * ones reset because the file leaves them out), deleted, unchanged, and the IdP clients cleaned up.
 */
import { Alert, Badge } from "@/components/ui";
import { describeCleanup, type ProviderClientsCleanup } from "@/lib/oauth/cleanup-counts";
import type { FieldChange } from "@/lib/config/entity-diff";

export type ImportResult = {
  version: number;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  dryRun: boolean;
  fieldChanges?: Record<string, FieldChange[]>;
  idpClients?: Record<string, ProviderClientsCleanup>;
};

export function ImportSummary({ r }: { r: ImportResult }) {
  const groups: Array<[string, string[], "green" | "indigo" | "red" | "slate"]> = [
    ["created", r.created, "green"],
    ["updated", r.updated, "indigo"],
    ["deleted", r.deleted, "red"],
    ["unchanged", r.unchanged, "slate"],
  ];
  const resets = Object.values(r.fieldChanges ?? {})
    .flat()
    .filter((c) => c.omitted).length;
  return (
    <div data-testid="import-result">
      <Alert
        tone={resets ? "amber" : r.dryRun ? "sky" : "green"}
        title={`${r.dryRun ? "Dry run: valid, nothing applied" : `Applied (config version ${r.version})`}${
          resets ? ` — ${resets} field${resets === 1 ? "" : "s"} ${r.dryRun ? "would be" : "were"} reset` : ""
        }`}
      >
        <div className="mt-1 space-y-1">
          {groups.map(([label, names, tone]) =>
            names.length ? (
              <div key={label} className="flex flex-wrap items-center gap-1 text-xs">
                <span className="w-20">{r.dryRun ? `would be ${label}` : label}</span>
                {names.map((n) => (
                  <Badge key={n} tone={tone}>
                    {n}
                  </Badge>
                ))}
              </div>
            ) : null,
          )}
          {groups.every(([, n]) => n.length === 0) && <span className="text-xs">No changes.</span>}
          {Object.entries(r.fieldChanges ?? {}).map(([entry, changes]) => (
            <FieldChanges key={entry} entry={entry} changes={changes} dryRun={r.dryRun} />
          ))}
          {Object.entries(r.idpClients ?? {}).map(([p, counts]) => (
            <div key={p} className="text-xs" data-testid="import-idp-clients">
              Clients of provider/{p}: {describeCleanup(counts)}
            </div>
          ))}
        </div>
      </Alert>
    </div>
  );
}

const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));

function FieldChanges({ entry, changes, dryRun }: { entry: string; changes: FieldChange[]; dryRun: boolean }) {
  const reset = changes.filter((c) => c.omitted).length;
  return (
    <div className="mt-2 text-xs" data-testid="import-field-changes">
      <div className="font-medium">{entry}</div>
      <ul className="mt-0.5 space-y-0.5">
        {changes.map((c) => (
          <li key={c.path} className="flex flex-wrap items-baseline gap-x-2" data-omitted={c.omitted ? "" : undefined}>
            <code className="font-semibold">{c.path}</code>
            {c.secret ? (
              <span>{c.secret === "set" ? "set from the file (value not shown)" : "cleared"}</span>
            ) : (
              <span className="font-mono break-all">
                {show(c.old)} → {show(c.new)}
              </span>
            )}
            {c.omitted && <Badge tone="amber">reset: not in the file</Badge>}
          </li>
        ))}
      </ul>
      {reset > 0 && (
        <p className="mt-1 text-amber-900">
          Each entry replaces the stored one whole: {reset} field{reset === 1 ? " is" : "s are"} not in the file and{" "}
          {dryRun ? "would be" : "were"} reset to {reset === 1 ? "its default" : "their defaults"}. Write{" "}
          {reset === 1 ? "it" : "them"} in the file to keep the current value.
        </p>
      )}
    </div>
  );
}
