"use client";
/** The stored configuration as YAML, to read or download; secrets are never exported. */
import { useQuery } from "@tanstack/react-query";
import { apiText } from "@/app/_lib/api";
import { Button, Card, ErrorState, Loading } from "@/components/ui";

export function ExportCard() {
  const exported = useQuery({ queryKey: ["config-export"], queryFn: () => apiText("/api/config/export") });

  function download() {
    if (!exported.data) return;
    const url = URL.createObjectURL(new Blob([exported.data], { type: "application/yaml" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = "portcullis.yaml";
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
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
  );
}
