/**
 * State threaded through the ordered checks, and small constructors for
 * their results. A check reads what earlier checks established (decoded
 * parts, the allowed key) and returns exactly one Check.
 */
import type { Check, CheckCode, CheckId, JsonValue, VerifyTarget } from "../types";

export type CheckContext = {
  token: string;
  target: VerifyTarget;
  nowMs: number;
  header?: Record<string, JsonValue>;
  claims?: Record<string, JsonValue>;
  /** Set when the header forbids any key lookup (bad alg, embedded/remote keys). */
  headerRejected: boolean;
  keys?: CryptoKey[];
  signatureVerified: boolean;
};

type Extra = Pick<Check, "expected" | "actual" | "hint" | "fix">;

export const pass = (id: CheckId, message: string, extra: Extra = {}): Check => ({
  id,
  status: "pass",
  code: "ok",
  message,
  ...extra,
});
export const fail = (id: CheckId, code: CheckCode, message: string, extra: Extra = {}): Check => ({
  id,
  status: "fail",
  code,
  message,
  ...extra,
});
export const warn = (id: CheckId, code: CheckCode, message: string, extra: Extra = {}): Check => ({
  id,
  status: "warn",
  code,
  message,
  ...extra,
});
export const skip = (id: CheckId, message: string): Check => ({ id, status: "skip", code: "skipped", message });

export const isoTime = (seconds: number): string => {
  const d = new Date(seconds * 1000);
  return Number.isNaN(d.getTime()) ? String(seconds) : d.toISOString();
};

/** "3 min 5 s" style durations for messages. */
export function humanDuration(ms: number): string {
  const s = Math.round(Math.abs(ms) / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}
