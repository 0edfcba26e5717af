"use client";
/** Every audience the server accepts, where each comes from, and which one the token's aud matches. */
import type { Check, Diagnosis, ExpectedAudience } from "@/lib/tokens/types";
import { Badge, Card } from "@/components/ui";

const audList = (v: unknown): string[] =>
  typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function AudiencesCard({ diagnosis: d }: { diagnosis: Diagnosis }) {
  const aud: Check | undefined = d.checks.find((c) => c.id === "aud");
  const expected = Array.isArray(aud?.expected) ? (aud!.expected as unknown as ExpectedAudience[]) : [];
  if (expected.length === 0 && !aud) return null;
  return (
    <Card
      title="Accepted audiences"
      description={`One value of the token's aud must equal one of these exactly. Token aud: ${JSON.stringify(aud?.actual ?? d.claims?.aud ?? null)}`}
      padded={false}
    >
      {expected.length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">
          This server accepts no audience: give it a public URL or configure extra audiences.
        </p>
      ) : (
        <table className="table" data-testid="expected-audiences">
          <thead>
            <tr>
              <th>Value</th>
              <th>Comes from</th>
            </tr>
          </thead>
          <tbody>
            {expected.map((e) => {
              const hit = audList(aud?.actual).includes(e.value);
              return (
                <tr key={e.value}>
                  <td className="font-mono text-xs break-all">
                    {e.value} {hit && <Badge tone="green">matches</Badge>}
                  </td>
                  <td className="text-xs text-slate-600">
                    <Badge tone={e.source === "client_id" ? "amber" : e.source === "configured" ? "sky" : "indigo"}>
                      {e.source.replace("_", " ")}
                    </Badge>{" "}
                    <span className="ml-1">{e.detail}</span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Card>
  );
}
