"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, apiText, isApiError, type ApiError } from "@/app/_lib/api";
import { Alert, Badge, Button, Card, ErrorState, Loading, PageHeader } from "@/components/ui";
import { describeCleanup, type ProviderClientsCleanup } from "@/lib/oauth/cleanup-counts";

type ImportResult = {
  version: number;
  created: string[];
  updated: string[];
  deleted: string[];
  unchanged: string[];
  dryRun: boolean;
  idpClients?: Record<string, ProviderClientsCleanup>;
};

export function ConfigPage() {
  const qc = useQueryClient();
  const exported = useQuery({ queryKey: ["config-export"], queryFn: () => apiText("/api/config/export") });
  const [yaml, setYaml] = useState("");
  const [prune, setPrune] = useState(false);
  const [keepIdpClients, setKeepIdpClients] = useState(false);
  const [fileName, setFileName] = useState<string>();
  const imp = useMutation({
    mutationFn: (dryRun: boolean) =>
      api<ImportResult>("/api/config/import", {
        method: "POST",
        body: { yaml, prune, dryRun, keepIdpClients: prune && keepIdpClients },
      }),
    onSuccess: (r) => {
      if (!r.dryRun) {
        for (const k of ["servers", "providers", "config-export", "status"]) qc.invalidateQueries({ queryKey: [k] });
      }
    },
  });

  function download() {
    if (!exported.data) return;
    const url = URL.createObjectURL(new Blob([exported.data], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "portcullis.yaml";
    a.click();
    URL.revokeObjectURL(url);
  }

  const err = imp.error as ApiError | null;
  return (
    <>
      <PageHeader
        title="Config as code"
        description="The whole gateway configuration as YAML — the same format as PORTCULLIS_CONFIG and `portcullis apply -f`. Secrets are never exported."
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card
          title="Export"
          description="Everything stored now. Apply it elsewhere unchanged."
          actions={
            <>
              <Button size="sm" onClick={() => exported.refetch()} busy={exported.isFetching && !exported.isPending}>
                Refresh
              </Button>
              <Button size="sm" variant="primary" onClick={download} disabled={!exported.data}>
                Download YAML
              </Button>
            </>
          }
        >
          {exported.isPending ? (
            <Loading />
          ) : exported.isError ? (
            <ErrorState error={exported.error} retry={() => exported.refetch()} />
          ) : (
            <pre
              className="max-h-[32rem] overflow-auto rounded-md bg-slate-900 p-4 text-xs leading-relaxed text-slate-100"
              data-testid="export-yaml"
            >
              {exported.data.trim() || "# empty: no providers or servers yet"}
            </pre>
          )}
        </Card>

        <Card
          title="Import"
          description="Validated as a whole first: if any entry is wrong, nothing is applied and every error is listed by path."
        >
          <div className="space-y-4">
            <div className="flex items-center gap-3">
              <label className="inline-flex cursor-pointer items-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-xs font-medium text-slate-700 shadow-xs hover:bg-slate-50">
                Choose file…
                <input
                  type="file"
                  accept=".yaml,.yml,application/yaml,text/yaml,text/plain"
                  className="sr-only"
                  onChange={async (e) => {
                    const f = e.target.files?.[0];
                    if (!f) return;
                    setFileName(f.name);
                    setYaml(await f.text());
                    imp.reset();
                  }}
                />
              </label>
              <span className="text-xs text-slate-500">{fileName ?? "or paste YAML below"}</span>
            </div>
            <textarea
              id="import-yaml"
              aria-label="YAML to import"
              rows={16}
              spellCheck={false}
              className="input font-mono text-xs"
              placeholder={
                "providers:\n  - name: kc\n    kind: keycloak\n    issuer: https://idp.example.com/realms/mcp\nservers:\n  - name: fetcher\n    upstream: http://127.0.0.1:9001/mcp\n    oauth:\n      provider: kc"
              }
              value={yaml}
              onChange={(e) => {
                setYaml(e.target.value);
                if (imp.isError || imp.isSuccess) imp.reset();
              }}
            />
            <label className="flex items-start gap-2 text-sm text-slate-700">
              <input
                type="checkbox"
                className="mt-0.5 size-4 accent-indigo-600"
                checked={prune}
                onChange={(e) => setPrune(e.target.checked)}
              />
              <span>
                Prune{" "}
                <span className="block text-xs text-slate-500">
                  Delete providers and servers that are not in this file. A deleted provider&apos;s registered clients
                  are deleted too, and so are the clients the gateway registered for them at the identity provider.
                </span>
              </span>
            </label>
            {prune && (
              <label className="ml-6 flex items-start gap-2 text-sm text-slate-700">
                <input
                  type="checkbox"
                  className="mt-0.5 size-4 accent-indigo-600"
                  checked={keepIdpClients}
                  onChange={(e) => setKeepIdpClients(e.target.checked)}
                />
                <span>
                  Keep their IdP clients{" "}
                  <span className="block text-xs text-slate-500">
                    Leave the clients at the identity provider, to remove them there yourself.
                  </span>
                </span>
              </label>
            )}
            <div className="flex gap-2">
              <Button
                onClick={() => imp.mutate(true)}
                busy={imp.isPending && imp.variables === true}
                disabled={!yaml.trim() || imp.isPending}
              >
                Dry run
              </Button>
              <Button
                variant="primary"
                onClick={() => imp.mutate(false)}
                busy={imp.isPending && imp.variables === false}
                disabled={!yaml.trim() || imp.isPending}
              >
                Apply
              </Button>
            </div>

            {imp.isError && (
              <div data-testid="import-errors">
                <Alert
                  title={
                    isApiError(err) && err.fields.length ? `${err.message} — nothing was applied` : "Import failed"
                  }
                >
                  {isApiError(err) && err.fields.length ? (
                    <ul className="mt-1 space-y-1">
                      {err.fields.map((f, i) => (
                        <li key={i} className="text-xs">
                          <code className="font-semibold">{f.path}</code>: {f.message}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    (err?.message ?? "")
                  )}
                </Alert>
              </div>
            )}
            {imp.isSuccess && <ImportSummary r={imp.data} />}
          </div>
        </Card>
      </div>
    </>
  );
}

function ImportSummary({ r }: { r: ImportResult }) {
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
