"use client";
/** A token's whole diagnosis: verdict, fixes, every check, accepted audiences, decoded parts, signing keys. */
import type { Check, Diagnosis, Fix } from "@/lib/tokens/types";
import { Alert, Card } from "@/components/ui";
import { AudiencesCard } from "./audiences-card";
import { CheckRow } from "./check-row";
import { ClaimsCard } from "./claims-card";
import { FixRow } from "./fix-row";
import { KeysCard } from "./keys-card";
import { VerdictBanner } from "./verdict-banner";

export function DiagnosisView({
  diagnosis: d,
  server,
  pickNote,
  onFixed,
  canRerun,
}: {
  diagnosis: Diagnosis;
  server: string;
  pickNote?: string;
  onFixed?: () => void;
  canRerun: boolean;
}) {
  const failures = d.checks.filter((c) => c.status === "fail");
  // One-click fixes only for claims the IdP really signed (the pipeline drops the others too).
  const fixes = d.signatureVerified
    ? d.checks.filter((c): c is Check & { fix: Fix } => !!c.fix && c.status !== "pass")
    : [];
  const unverifiedFailures = !d.signatureVerified && failures.some((c) => c.unverified);
  return (
    <div className="space-y-6" data-testid="diagnosis" data-verdict={d.verdict}>
      <VerdictBanner diagnosis={d} server={server} pickNote={pickNote} />
      {fixes.length > 0 && (
        <Card
          title={`How to fix ${fixes.length === 1 ? "it" : "these"}`}
          description="Each fix is a small config change. Applying one re-runs the check."
        >
          <ul className="space-y-3">
            {fixes.map((c) => (
              <FixRow key={c.id} check={c} onFixed={onFixed} canRerun={canRerun} />
            ))}
          </ul>
        </Card>
      )}

      {unverifiedFailures && (
        <Alert tone="amber" title="No fixes offered: the signature did not verify">
          The claims below were not signed by the provider&apos;s keys, so anyone could have written them. Fix the
          signature problem first; the checks marked unverified say what else would fail.
        </Alert>
      )}

      <Card
        title="Checks"
        description={`${d.checks.length} steps, in the order the gateway runs them${failures.length ? ` · ${failures.length} failed` : ""}`}
        padded={false}
      >
        <ul className="divide-y divide-slate-100" data-testid="checks">
          {d.checks.map((c) => (
            <CheckRow key={c.id} check={c} />
          ))}
        </ul>
      </Card>

      <AudiencesCard diagnosis={d} />

      <div className="grid items-start gap-6 lg:grid-cols-2">
        <ClaimsCard title="Header" values={d.header} />
        <ClaimsCard title="Claims" values={d.claims} times />
      </div>

      <KeysCard diagnosis={d} />
    </div>
  );
}
