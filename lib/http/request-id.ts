/**
 * Request ids: a per-process tag plus a sequence number, formatted only when
 * someone reads them. A random UUID per request is a string allocated on the
 * hot path and kept for as long as the request log remembers the request;
 * a number costs nothing. The tag keeps ids from different replicas (and
 * restarts) apart.
 */
import { randomBytes } from "node:crypto";

const TAG = randomBytes(4).toString("hex");
let last = 0;

export const nextRequestSeq = () => ++last;

/** The tag of this process's ids (worker processes send it with the entries they forward). */
export const processTag = () => TAG;

export const formatRequestId = (seq: number, tag = TAG) => `${tag}-${seq.toString(36)}`;

/** The tag and sequence number of an id issued by any process, else undefined. */
export function splitRequestId(id: string): { tag: string; seq: number } | undefined {
  const m = /^([0-9a-f]{8})-([0-9a-z]{1,11})$/.exec(id);
  if (!m) return undefined;
  const seq = parseInt(m[2], 36);
  return seq > 0 && Number.isSafeInteger(seq) ? { tag: m[1], seq } : undefined;
}

/** The sequence number of an id issued by this process, else undefined. */
export function parseRequestId(id: string): number | undefined {
  if (id.length < TAG.length + 2 || !id.startsWith(TAG) || id[TAG.length] !== "-") return undefined;
  const rest = id.slice(TAG.length + 1);
  if (!/^[0-9a-z]{1,11}$/.test(rest)) return undefined;
  const seq = parseInt(rest, 36);
  return seq > 0 && seq <= last ? seq : undefined;
}
