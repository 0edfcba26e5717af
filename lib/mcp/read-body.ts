/**
 * Reads a request body into memory, refusing it past `limit` bytes (the server's maxBodyBytes), then
 * calls `done(context, body)`, or `failed(context, error)`: a McpRefusal past the limit, any other
 * error when the client went away mid-body. Callbacks rather than a promise: the gate continues in
 * the same tick as the body's end, without a promise and its microtasks per request (hot path).
 */
import type { IncomingMessage } from "node:http";
import { McpRefusal } from "./refusal";

export function readBody<T>(
  req: IncomingMessage,
  limit: number,
  context: T,
  done: (context: T, body: Buffer) => void,
  failed: (context: T, e: unknown) => void,
): void {
  // Most bodies arrive in one chunk, and need no array and no concatenation.
  let first: Buffer | undefined;
  let more: Buffer[] | undefined;
  let size = 0;
  let settled = false;
  const fail = (e: unknown) => {
    if (settled) return;
    settled = true;
    failed(context, e);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.off("data", onData);
      req.resume(); // drain what is in flight; the refusal closes the connection
      return fail(new McpRefusal("payload_too_large", `The request body exceeds ${limit} bytes`));
    }
    if (first === undefined) first = chunk;
    else (more ??= [first]).push(chunk);
  };
  req.on("data", onData);
  // on, not once: each fires at most once anyway, and once() wraps every listener (hot path).
  req.on("end", () => {
    if (settled) return;
    settled = true;
    done(context, more ? Buffer.concat(more) : (first ?? Buffer.alloc(0)));
  });
  req.on("error", fail);
  req.on("aborted", () => fail(new Error("client aborted the request")));
}
