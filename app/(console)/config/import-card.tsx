"use client";
/**
 * Import a YAML file: a dry run or the real thing. The request is validated by
 * the route's own schema; errors in the file come back from the server by path.
 */
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { importRequestSchema } from "@/lib/config/import-request";
import { api, isApiError, type ApiError } from "@/app/_lib/api";
import { apiPayloadSchema, fieldError } from "@/app/_lib/form";
import { Alert, Button, Card } from "@/components/ui";
import { ImportSummary, type ImportResult } from "./import-summary";

type ImportValues = { yaml: string; prune: boolean; keepIdpClients: boolean };

// The dry-run flag is the button's; it is validated as false and set when sending.
const importFormSchema = apiPayloadSchema(importRequestSchema, (v: ImportValues) => ({
  payload: { yaml: v.yaml, prune: v.prune, dryRun: false, keepIdpClients: v.prune && v.keepIdpClients },
}));

const PLACEHOLDER =
  "providers:\n  - name: kc\n    kind: keycloak\n    issuer: https://idp.example.com/realms/mcp\nservers:\n  - name: fetcher\n    upstream: http://127.0.0.1:9001/mcp\n    oauth:\n      provider: kc";

export function ImportCard() {
  const qc = useQueryClient();
  const [fileName, setFileName] = useState<string>();
  const form = useForm({
    resolver: zodResolver(importFormSchema),
    defaultValues: { yaml: "", prune: false, keepIdpClients: false },
  });
  const [yaml, prune] = useWatch({ control: form.control, name: ["yaml", "prune"] });
  const imp = useMutation({
    mutationFn: (body: { yaml: string; prune: boolean; dryRun: boolean; keepIdpClients: boolean }) =>
      api<ImportResult>("/api/config/import", { method: "POST", body }),
    onSuccess: (r) => {
      if (!r.dryRun) {
        for (const k of ["servers", "providers", "config-export", "status"]) qc.invalidateQueries({ queryKey: [k] });
      }
    },
  });
  const send = (dryRun: boolean) => form.handleSubmit((body) => imp.mutate({ ...body, dryRun }))();
  const sending = (dryRun: boolean) => imp.isPending && imp.variables?.dryRun === dryRun;
  const fieldsError = fieldError(form.formState.errors, "yaml") ?? fieldError(form.formState.errors, "keepIdpClients");
  const yamlField = form.register("yaml", {
    onChange: () => {
      if (imp.isError || imp.isSuccess) imp.reset();
    },
  });

  const err = imp.error as ApiError | null;
  return (
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
                form.setValue("yaml", await f.text());
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
          placeholder={PLACEHOLDER}
          {...yamlField}
        />
        <label className="flex items-start gap-2 text-sm text-slate-700">
          <input type="checkbox" className="mt-0.5 size-4 accent-indigo-600" {...form.register("prune")} />
          <span>
            Prune{" "}
            <span className="block text-xs text-slate-500">
              Delete providers and servers that are not in this file. A deleted provider&apos;s registered clients are
              deleted too, and so are the clients the gateway registered for them at the identity provider.
            </span>
          </span>
        </label>
        {prune && (
          <label className="ml-6 flex items-start gap-2 text-sm text-slate-700">
            <input type="checkbox" className="mt-0.5 size-4 accent-indigo-600" {...form.register("keepIdpClients")} />
            <span>
              Keep their IdP clients{" "}
              <span className="block text-xs text-slate-500">
                Leave the clients at the identity provider, to remove them there yourself.
              </span>
            </span>
          </label>
        )}
        <div className="flex gap-2">
          <Button onClick={() => send(true)} busy={sending(true)} disabled={!yaml.trim() || imp.isPending}>
            Dry run
          </Button>
          <Button
            variant="primary"
            onClick={() => send(false)}
            busy={sending(false)}
            disabled={!yaml.trim() || imp.isPending}
          >
            Apply
          </Button>
        </div>

        {fieldsError && <Alert title="Not sent">{fieldsError}</Alert>}
        {imp.isError && (
          <div data-testid="import-errors">
            <Alert
              title={isApiError(err) && err.fields.length ? `${err.message} — nothing was applied` : "Import failed"}
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
  );
}
