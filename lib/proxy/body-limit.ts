/**
 * Request body limit for bodies without Content-Length (chunked): counts
 * bytes as they stream to the upstream and fails the stream past the limit.
 * Bodies with Content-Length are checked before proxying (Node enforces the
 * declared length, so they need no counting).
 */
import { Transform, type TransformCallback } from "node:stream";
import { ProxyError } from "./errors";

export class BodyLimit extends Transform {
  private seen = 0;
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.seen += chunk.length;
    if (this.seen > this.limit) return cb(tooLarge(this.limit));
    cb(null, chunk);
  }
}

export const tooLarge = (limit: number) =>
  new ProxyError("payload_too_large", `The request body exceeds ${limit} bytes`);

/** Content-Length precheck: true when the declared length is over the limit. */
export function declaredTooLarge(contentLength: string | undefined, limit: number): boolean {
  if (contentLength === undefined) return false;
  const n = Number(contentLength);
  return Number.isFinite(n) && n > limit;
}
