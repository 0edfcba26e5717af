/** Reads a request body into memory, refusing it past `limit` bytes (the server's maxBodyBytes). */
import type { IncomingMessage } from "node:http";
import { McpRefusal } from "./refusal";

export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off("data", onData);
        req.resume(); // drain what is in flight; the refusal closes the connection
        reject(new McpRefusal("payload_too_large", `The request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.once("error", reject);
    req.once("aborted", () => reject(new Error("client aborted the request")));
  });
}
