"use client";
/** A token's decoded header or claims, with the time claims also shown as dates. */
import type { JsonValue } from "@/lib/tokens/types";
import { claimTime } from "@/app/_lib/format";
import { Card, cx } from "@/components/ui";
import { showJson } from "./show-json";

const TIME_CLAIMS = new Set(["exp", "nbf", "iat", "auth_time"]);

export function ClaimsCard({
  title,
  values,
  times,
}: {
  title: string;
  values?: Record<string, JsonValue>;
  times?: boolean;
}) {
  return (
    <Card
      title={title}
      description={times ? "Decoded without trust: the checks above say what is verified." : undefined}
      padded={false}
    >
      {!values || Object.keys(values).length === 0 ? (
        <p className="px-5 py-4 text-sm text-slate-500">Could not decode.</p>
      ) : (
        <table className="table">
          <tbody>
            {Object.entries(values).map(([k, v]) => (
              <tr key={k}>
                <td className="w-32 font-mono text-xs text-slate-500">{k}</td>
                <td className="font-mono text-xs break-all text-slate-800">
                  {showJson(v)}
                  {times && TIME_CLAIMS.has(k) && typeof v === "number" && (
                    <span
                      className={cx(
                        "ml-2 font-sans",
                        k === "exp" && v * 1000 < Date.now() ? "text-rose-700" : "text-slate-500",
                      )}
                      data-testid={`claim-time-${k}`}
                    >
                      {claimTime(k, v)} ·{" "}
                      {new Date(v * 1000)
                        .toISOString()
                        .replace("T", " ")
                        .replace(/\.\d+Z$/, " UTC")}
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Card>
  );
}
