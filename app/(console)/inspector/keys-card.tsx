"use client";
/** The provider's signing keys as the gateway's JWKS cache sees them. */
import type { Diagnosis } from "@/lib/tokens/types";
import { relativeTime } from "@/app/_lib/format";
import { Badge, Card } from "@/components/ui";

export function KeysCard({ diagnosis: d }: { diagnosis: Diagnosis }) {
  return (
    <Card title="Signing keys" description="The provider's JWKS as the gateway's cache sees it.">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-slate-500">JWKS URL</dt>
        <dd className="font-mono text-xs break-all">{d.keySource.url}</dd>
        <dt className="text-slate-500">State</dt>
        <dd>
          <Badge tone={d.keySource.state === "fresh" ? "green" : d.keySource.state === "cold" ? "slate" : "amber"}>
            {d.keySource.state}
          </Badge>
          {d.keySource.fetchedAt && (
            <span className="ml-2 text-xs text-slate-500">fetched {relativeTime(d.keySource.fetchedAt)}</span>
          )}
        </dd>
        <dt className="text-slate-500">Key ids</dt>
        <dd className="font-mono text-xs">{d.keySource.kids.length ? d.keySource.kids.join(", ") : "none"}</dd>
        {d.keySource.lastError && (
          <>
            <dt className="text-slate-500">Last error</dt>
            <dd className="text-xs text-rose-700">{d.keySource.lastError.message}</dd>
          </>
        )}
      </dl>
    </Card>
  );
}
