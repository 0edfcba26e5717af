/** The one JSON writer of the gateway's node:http routes, and the one error writer built on it. */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { AppError, errorResponse } from "../errors";

/** A JSON response: content type and length, never cached (unless `headers` say otherwise). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: OutgoingHttpHeaders = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(payload);
}

/**
 * Any thrown value as its JSON error response (lib/errors.ts): the error's own body, status and
 * headers, then `headers`. A no-op once headers are out: the caller destroys the socket then.
 */
export function sendError(res: ServerResponse, e: unknown, headers: OutgoingHttpHeaders = {}) {
  if (res.headersSent) return;
  const r = errorResponse(e);
  sendJson(res, r.status, r.body, { ...r.headers, ...headers });
}

/**
 * A failure while answering: its error response if nothing was sent yet, else the connection closed, so
 * that the client does not take a cut-off response for a whole one.
 */
export function failResponse(res: ServerResponse, e: unknown) {
  if (res.headersSent) res.destroy();
  else sendError(res, e);
}

/** Reads a request body up to `limit` bytes; rejects with 413 semantics beyond. */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError("payload_too_large", `request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
