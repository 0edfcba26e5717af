"use client";
/** Config as code: the whole configuration exported as YAML, and a YAML import validated as a whole. */
import { InlineCode, PageHeader } from "@/components/ui";
import { ExportCard } from "./export-card";
import { ImportCard } from "./import-card";

export function ConfigPage() {
  return (
    <>
      <PageHeader
        title="Config as code"
        description={
          <InlineCode text="The whole gateway configuration as YAML — the same format as `PORTCULLIS_CONFIG` and `portcullis apply -f`. Each entry replaces the stored one whole: a field left out is reset to its default (the dry run shows which). Secrets are never exported." />
        }
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <ExportCard />
        <ImportCard />
      </div>
    </>
  );
}
