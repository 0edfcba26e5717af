/**
 * Refusals of an MCP operation by the gateway itself, after the token was
 * accepted: each code has one HTTP status and one JSON-RPC error code, and is
 * rendered in one place (`sendRefusal`). Token rejections and scope
 * challenges carry an OAuth challenge instead (lib/proxy/challenge.ts).
 * Codes of our own sit outside the JSON-RPC reserved range, as MCP asks.
 */
import type { ServerResponse } from "node:http";
import { AppError, jsonRpcErrorBody } from "../errors";
import { sendJson } from "../http/respond";
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

export class McpRefusal extends AppError<RefusalCode> {
  readonly data?: Record<string, unknown>;
  constructor(code: RefusalCode, message: string, data?: Record<string, unknown>) {
    super(code, message);
    this.name = "McpRefusal";
    if (data) this.data = data;
  }
  override get status(): number {
    return refusalKinds[this.code].status;
  }
  /** The JSON-RPC error response for request `id`. */
  override toJSON(id: JsonRpcId = null) {
    return jsonRpcErrorBody(id, refusalKinds[this.code].rpc, this.message, this.data);
  }
}

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
  const { batch } = opts;
  const body = batch
    ? batch.ids.map((id, i) =>
        (i === batch.refusedIndex
          ? e
          : new McpRefusal(e.code, `Not executed: batch element ${batch.refusedIndex} was refused`)
        ).toJSON(id),
      )
    : e.toJSON(opts.id ?? null);
  sendJson(res, e.status, body, opts.headers);
}
