/**
 * Refusals of an MCP operation by the gateway itself, after the token was
 * accepted: each code has one HTTP status and one JSON-RPC error code, and is
 * rendered in one place (`sendRefusal`). Token rejections and scope
 * challenges carry an OAuth challenge instead (lib/proxy/challenge.ts).
 * Codes of our own sit outside the JSON-RPC reserved range, as MCP asks.
 */
import type { ServerResponse } from "node:http";
import type { JsonRpcId } from "./messages";

export const refusalKinds = {
  parse_error: { status: 400, rpc: -32700 },
  invalid_request: { status: 400, rpc: -32600 },
  /** MCP 2026-07-28 HeaderMismatch: `Mcp-Method`/`Mcp-Name` disagree with the body, or are missing or malformed. */
  header_mismatch: { status: 400, rpc: -32020 },
  policy_denied: { status: 403, rpc: -31403 },
  rate_limited: { status: 429, rpc: -31429 },
  payload_too_large: { status: 413, rpc: -31413 },
} as const;
export type RefusalCode = keyof typeof refusalKinds;

export class McpRefusal extends Error {
  readonly code: RefusalCode;
  readonly data?: Record<string, unknown>;
  constructor(code: RefusalCode, message: string, data?: Record<string, unknown>) {
    super(message);
    this.name = "McpRefusal";
    this.code = code;
    this.data = data;
  }
  get status(): number {
    return refusalKinds[this.code].status;
  }
}

const errorObject = (e: McpRefusal, id: JsonRpcId) => ({
  jsonrpc: "2.0" as const,
  id,
  error: { code: refusalKinds[e.code].rpc, message: e.message, ...(e.data ? { data: e.data } : {}) },
});

/**
 * Writes the refusal as a JSON-RPC error response: one for the request's id, or, for a batch, one per
 * request in it (`ids`; the refused element's own message, the others "not executed").
 */
export function sendRefusal(
  res: ServerResponse,
  e: McpRefusal,
  opts: { id?: JsonRpcId; batch?: { ids: JsonRpcId[]; refusedIndex: number }; headers?: Record<string, string> } = {},
): void {
  if (res.headersSent) return;
  const body = opts.batch
    ? JSON.stringify(
        opts.batch.ids.map((id, i) =>
          errorObject(
            i === opts.batch!.refusedIndex
              ? e
              : new McpRefusal(e.code, `Not executed: batch element ${opts.batch!.refusedIndex} was refused`),
            id,
          ),
        ),
      )
    : JSON.stringify(errorObject(e, opts.id ?? null));
  res.writeHead(e.status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    "cache-control": "no-store",
    ...opts.headers,
  });
  res.end(body);
}
