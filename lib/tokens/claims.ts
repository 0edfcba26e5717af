/**
 * Reads identity facts from (possibly unverified) claims, tolerating the
 * shapes real IdPs emit: `scope` as a space-delimited string (RFC 9068) or an
 * array, `scp` as an array (Okta) or a string (Entra); client id as `azp`
 * (OIDC/Keycloak), `client_id` (RFC 9068), `cid` (Okta) or `appid` (Entra v1).
 */
import type { JsonValue } from "./types";

type Claims = Record<string, JsonValue>;

const words = (v: JsonValue | undefined): string[] => {
  if (typeof v === "string") return v.split(" ").filter(Boolean);
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === "string" && x.length > 0);
  return [];
};

export function tokenScopes(claims: Claims): string[] {
  const all = [...words(claims.scope), ...words(claims.scp)];
  return [...new Set(all)];
}

export function tokenClientId(claims: Claims): string | undefined {
  for (const k of ["azp", "client_id", "cid", "appid"]) {
    const v = claims[k];
    if (typeof v === "string" && v) return v;
  }
  return undefined;
}

export const tokenSubject = (claims: Claims): string | undefined =>
  typeof claims.sub === "string" ? claims.sub : undefined;

/** `aud` as a list; undefined when absent or not strings. */
export function tokenAudiences(claims: Claims): string[] | undefined {
  const aud = claims.aud;
  if (typeof aud === "string") return [aud];
  if (Array.isArray(aud) && aud.length > 0 && aud.every((a) => typeof a === "string")) return aud as string[];
  return undefined;
}
