/**
 * A POST body as JSON-RPC messages: one message or a batch (2025-03-26
 * allowed batches; later revisions send one message per POST). Each message
 * is reduced to what policy and audit need: id, method, the operation's name
 * and its arguments. Anything that is not JSON-RPC is a typed refusal.
 */
import { McpRefusal } from "./refusal";

export type JsonRpcId = string | number | null;

export type McpMessage = {
  /** Undefined for notifications. */
  id?: JsonRpcId;
  /** Undefined for a response (a client answering a server's request). */
  method?: string;
  /** Tool or prompt name, resource URI (see operationName). */
  name?: string;
  params?: Record<string, unknown>;
};

export type ParsedBody = { batch: boolean; messages: McpMessage[] };

/** Params holding the operation's name, by method (the 2026-07-28 `Mcp-Name` source fields). */
const NAME_PARAM: Record<string, "name" | "uri"> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "resources/subscribe": "uri",
  "resources/unsubscribe": "uri",
};

export function operationName(method: string, params: Record<string, unknown> | undefined): string | undefined {
  const key = NAME_PARAM[method];
  const v = key ? params?.[key] : undefined;
  return typeof v === "string" ? v : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function toMessage(v: unknown, index: number | undefined): McpMessage {
  const where = index === undefined ? "" : ` (batch element ${index})`;
  if (!isObject(v) || v.jsonrpc !== "2.0")
    throw new McpRefusal("invalid_request", `The body is not a JSON-RPC 2.0 message${where}`);
  const id = v.id;
  if (id !== undefined && id !== null && typeof id !== "string" && typeof id !== "number")
    throw new McpRefusal("invalid_request", `The JSON-RPC id must be a string or a number${where}`);
  if (v.method === undefined) {
    if (!("result" in v) && !("error" in v))
      throw new McpRefusal("invalid_request", `A JSON-RPC message needs a method, a result or an error${where}`);
    return { id };
  }
  if (typeof v.method !== "string" || v.method === "")
    throw new McpRefusal("invalid_request", `The JSON-RPC method must be a non-empty string${where}`);
  if (v.params !== undefined && !isObject(v.params))
    throw new McpRefusal("invalid_request", `The JSON-RPC params must be an object${where}`);
  const params = v.params as Record<string, unknown> | undefined;
  return { id, method: v.method, name: operationName(v.method, params), params };
}

export function parseBody(body: Buffer): ParsedBody {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch {
    throw new McpRefusal("parse_error", "The request body is not valid JSON");
  }
  if (!Array.isArray(v)) return { batch: false, messages: [toMessage(v, undefined)] };
  if (v.length === 0) throw new McpRefusal("invalid_request", "An empty JSON-RPC batch is not a request");
  return { batch: true, messages: v.map((m, i) => toMessage(m, i)) };
}
