/**
 * Splits and decodes a compact JWS without trusting it. Everything here is
 * input from the network: sizes are bounded and every failure becomes a
 * reason string for the `format` check, never an exception.
 */
import type { JsonValue } from "./types";

/** Larger bearer tokens are refused before any parsing (header-size DoS guard). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

const B64URL = /^[A-Za-z0-9_-]+$/;
// Strict, like jose: a header or payload that is not valid UTF-8 is malformed, not decoded lossily.
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export type Decoded = { header: Record<string, JsonValue>; claims: Record<string, JsonValue> };
export type DecodeResult =
  | { ok: true; decoded: Decoded }
  | { ok: false; kind: "encrypted" | "malformed"; reason: string; header?: Record<string, JsonValue> };

export function decodeJws(token: string): DecodeResult {
  if (token.length === 0) return { ok: false, kind: "malformed", reason: "the token is empty" };
  if (token.length > MAX_TOKEN_LENGTH) {
    return {
      ok: false,
      kind: "malformed",
      reason: `the token is ${token.length} characters long (limit ${MAX_TOKEN_LENGTH})`,
    };
  }
  const parts = token.split(".");
  if (parts.length === 5) {
    return {
      ok: false,
      kind: "encrypted",
      reason: "the token is encrypted (JWE, 5 parts)",
      header: parseSegment(parts[0]) ?? undefined,
    };
  }
  if (parts.length !== 3) {
    return {
      ok: false,
      kind: "malformed",
      reason:
        parts.length === 1
          ? "the token is opaque (not a JWT)"
          : `a JWT has 3 dot-separated parts, this token has ${parts.length}`,
    };
  }
  const [h, p, s] = parts;
  // The signature may be empty (alg "none"); the alg check reports that precisely.
  if (!B64URL.test(h) || !B64URL.test(p) || (s !== "" && !B64URL.test(s))) {
    return { ok: false, kind: "malformed", reason: "a part is not base64url" };
  }
  // Base64 decoders ignore a stray last character or nonzero trailing bits, so one signature has several
  // spellings that all verify. Only the canonical one is accepted: each token has one fingerprint and one
  // verdict-cache entry, and a holder cannot mint variants of it.
  if (s !== "" && Buffer.from(s, "base64url").toString("base64url") !== s) {
    return { ok: false, kind: "malformed", reason: "the signature is not canonical base64url" };
  }
  const header = parseSegment(h);
  if (!header) return { ok: false, kind: "malformed", reason: "the header is not a JSON object" };
  const claims = parseSegment(p);
  if (!claims) return { ok: false, kind: "malformed", reason: "the payload is not a JSON claims set", header };
  return { ok: true, decoded: { header, claims } };
}

function parseSegment(segment: string): Record<string, JsonValue> | null {
  try {
    const v: unknown = JSON.parse(UTF8.decode(Buffer.from(segment, "base64url")));
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, JsonValue>) : null;
  } catch {
    return null;
  }
}
