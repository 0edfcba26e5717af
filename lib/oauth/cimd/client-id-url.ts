/**
 * Client identifier URLs (draft-ietf-oauth-client-id-metadata-document §3):
 * https, with a path, no dot segments, no fragment, no userinfo. A `client_id`
 * that starts with `https://` is treated as one; the gateway's own client ids
 * (`pc_…`) never do, so the two kinds cannot be confused.
 */
import { CimdError } from "./errors";

export const MAX_CLIENT_ID_URL_LENGTH = 2000;

export const looksLikeClientIdUrl = (clientId: string) => clientId.startsWith("https://");

/** Parses and checks a client identifier URL; the string itself stays the client id (compared as is). */
export function parseClientIdUrl(raw: string): URL {
  const bad = (why: string) => new CimdError("cimd_invalid_url", `client_id ${raw.slice(0, 200)} ${why}`);
  if (raw.length > MAX_CLIENT_ID_URL_LENGTH) throw bad(`is longer than ${MAX_CLIENT_ID_URL_LENGTH} characters`);
  if (/[\s\u0000-\u001f\u007f\\]/.test(raw)) throw bad("contains characters not allowed in a URL");
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw bad("is not a valid URL");
  }
  if (u.protocol !== "https:") throw bad("must be an https URL");
  if (u.username || u.password || /^https:\/\/[^/?#]*@/i.test(raw))
    throw bad("must not contain a user name or password");
  if (raw.includes("#")) throw bad("must not contain a fragment");
  const rawPath = /^https:\/\/[^/?#]*(\/[^?#]*)?/i.exec(raw)?.[1] ?? "";
  if (rawPath === "" || rawPath === "/") throw bad("must have a path (a bare origin is not a metadata document URL)");
  const segments = rawPath.split("/").map((s) => s.replace(/%2e/gi, "."));
  if (segments.some((s) => s === "." || s === "..")) throw bad("must not contain . or .. path segments");
  return u;
}
