/** Small node:http helpers for the facade: forms, redirects, CORS. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { readBody, sendJson } from "../http/respond";
import { InvalidRequest } from "./errors";

export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
  "access-control-max-age": "600",
};

/** An OAuth JSON response (RFC 6749 §5.1: no-store, no-cache), callable from browsers. */
export function sendOAuthJson(res: ServerResponse, status: number, body: unknown) {
  sendJson(res, status, body, { pragma: "no-cache", ...CORS_HEADERS });
}

export function sendPreflight(res: ServerResponse) {
  res.writeHead(204, CORS_HEADERS);
  res.end();
}

export function redirect(
  res: ServerResponse,
  location: string,
  status = 302,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, { location, "cache-control": "no-store", "referrer-policy": "no-referrer", ...headers });
  res.end();
}

/**
 * Parses an application/x-www-form-urlencoded body. Parameters may appear once
 * only (RFC 6749 §3.2); the body is capped.
 */
export async function readForm(req: IncomingMessage, limit = 64 * 1024): Promise<Map<string, string>> {
  const type = String(req.headers["content-type"] ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();
  if (type !== "application/x-www-form-urlencoded")
    throw new InvalidRequest("the body must be application/x-www-form-urlencoded");
  const body = await readBody(req, limit).catch(() => {
    throw new InvalidRequest(`the body exceeds ${limit} bytes`);
  });
  return uniqueParams(new URLSearchParams(body.toString("utf8")));
}

export function uniqueParams(p: URLSearchParams): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of p) {
    if (out.has(k)) throw new InvalidRequest(`parameter ${k} is repeated`);
    out.set(k, v);
  }
  return out;
}
