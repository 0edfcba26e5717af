/** Small helpers for node:http responses used by the gateway's own routes. */
import type { ServerResponse } from "node:http";
import { toErrorBody } from "../errors";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(payload),
    "cache-control": "no-store",
    ...headers,
  });
  res.end(payload);
}

export function sendError(res: ServerResponse, e: unknown, headers: Record<string, string> = {}) {
  const { status, body } = toErrorBody(e);
  sendJson(res, status, body, headers);
}

/** Reads a request body up to `limit` bytes; rejects with 413 semantics beyond. */
export async function readBody(req: import("node:http").IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      const { AppError } = await import("../errors");
      throw new AppError("payload_too_large", `request body exceeds ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
