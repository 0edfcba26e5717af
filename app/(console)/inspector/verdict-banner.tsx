"use client";
/** The verdict at the top of a diagnosis: accepted or why not, for which server, and the token's fingerprint. */
import Link from "next/link";
import type { Diagnosis } from "@/lib/tokens/types";
import { claimTime, relativeTime } from "@/app/_lib/format";
import { cx } from "@/components/ui";

export function VerdictBanner({
  diagnosis: d,
  server,
  pickNote,
}: {
  diagnosis: Diagnosis;
  server: string;
  pickNote?: string;
}) {
  const accepted = d.verdict === "accept";
  return (
    <div
      className={cx(
        "rounded-lg border px-5 py-4",
        accepted ? "border-emerald-200 bg-emerald-50" : "border-rose-200 bg-rose-50",
      )}
    >
      <div className="flex flex-wrap items-center gap-3">
        <span
          className={cx("text-lg font-semibold", accepted ? "text-emerald-800" : "text-rose-800")}
          data-testid="verdict"
        >
          {accepted ? "Accepted" : `Rejected · ${d.httpStatus}${d.oauthError ? ` ${d.oauthError}` : ""}`}
        </span>
        <span className="text-sm text-slate-600">
          for server{" "}
          <Link href={`/servers/${server}`} className="font-medium text-slate-900 hover:underline">
            {server}
          </Link>{" "}
          · provider <span className="font-medium text-slate-900">{d.provider}</span>
          {pickNote && <span className="text-slate-500"> ({pickNote})</span>}
        </span>
      </div>
      {!accepted && d.failed && <p className="mt-1 text-sm text-rose-900">{d.failed.message}</p>}
      {accepted && (
        <p className="mt-1 text-sm text-emerald-900">
          {d.subject ? `Subject ${d.subject}` : "No subject"}
          {d.clientId ? ` · client ${d.clientId}` : ""}
          {d.scopes.length ? ` · scopes ${d.scopes.join(" ")}` : ""}
          {d.expiresAt ? ` · ${claimTime("exp", d.expiresAt)}` : ""}
        </p>
      )}
      <p className="mt-2 text-xs text-slate-500">
        Token fingerprint <code>{d.fingerprint}</code> · checked {relativeTime(d.checkedAt)} · signature{" "}
        {d.signatureVerified ? "verified" : "not verified"}
      </p>
    </div>
  );
}
