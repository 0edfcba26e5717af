"use client";
/** Config as code: the whole configuration exported as YAML, and a YAML import validated as a whole. */
import { PageHeader } from "@/components/ui";
import { ExportCard } from "./export-card";
import { ImportCard } from "./import-card";

export function ConfigPage() {
  return (
    <>
      <PageHeader
        title="Config as code"
        description="The whole gateway configuration as YAML — the same format as PORTCULLIS_CONFIG and `portcullis apply -f`. Secrets are never exported."
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <ExportCard />
        <ImportCard />
      </div>
    </>
  );
}
