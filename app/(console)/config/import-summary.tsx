"use client";
/** What an import did (or a dry run would do): created, updated, deleted, unchanged, and the IdP clients cleaned up. */
import { Alert, Badge } from "@/components/ui";
import { describeCleanup, type ProviderClientsCleanup } from "@/lib/oauth/cleanup-counts";

export type ImportResult = {
  version: number;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  dryRun: boolean;
  idpClients?: Record<string, ProviderClientsCleanup>;
};

export function ImportSummary({ r }: { r: ImportResult }) {
  const groups: Array<[string, string[], "green" | "indigo" | "red" | "slate"]> = [
    ["created", r.created, "green"],
    ["updated", r.updated, "indigo"],
    ["deleted", r.deleted, "red"],
    ["unchanged", r.unchanged, "slate"],
  ];
  return (
    <div data-testid="import-result">
      <Alert
        tone={r.dryRun ? "sky" : "green"}
        title={r.dryRun ? "Dry run: valid, nothing applied" : `Applied (config version ${r.version})`}
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
