/**
 * MCP 2026-07-28 request metadata headers: `Mcp-Method` mirrors the body's
 * method and `Mcp-Name` its `params.name` / `params.uri`, so that
 * intermediaries can route without the body. Whoever reads the body must
 * refuse a request whose headers disagree with it (HeaderMismatch), and the
 * gateway decides on the body, never on these headers. Names that are not
 * plain ASCII come Base64-encoded as `=?base64?…?=` and are decoded first.
 */
import type { IncomingHttpHeaders } from "node:http";
import type { ParsedBody } from "./messages";
import { McpRefusal } from "./refusal";

/** Revisions from which the headers are required (ISO dates compare as strings). */
const HEADERS_REQUIRED_FROM = "2026-07-28";
const NAMED_METHODS = new Set(["tools/call", "resources/read", "prompts/get"]);
const SENTINEL = /^=\?base64\?([A-Za-z0-9+/]*={0,2})\?=$/;
const VISIBLE = /^[\x20-\x7e\t]*$/;

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v.join(", ") : v);

/** The header's value as the client meant it; undefined when it cannot be decoded. */
export function decodeHeaderValue(raw: string): string | undefined {
  const m = SENTINEL.exec(raw);
  if (!m) return VISIBLE.test(raw) ? raw : undefined;
  const bytes = Buffer.from(m[1], "base64");
  // Node's decoder skips bad characters: re-encode to be sure the value was canonical Base64.
  if (bytes.toString("base64").replace(/=+$/, "") !== m[1].replace(/=+$/, "")) return undefined;
  const text = new TextDecoder("utf-8", { fatal: true });
  try {
    return text.decode(bytes);
  } catch {
    return undefined;
  }
}

const mismatch = (what: string) => new McpRefusal("header_mismatch", `Header mismatch: ${what}`);

export function checkMetadataHeaders(headers: IncomingHttpHeaders, body: ParsedBody): void {
  const method = one(headers["mcp-method"]);
  const name = one(headers["mcp-name"]);
  const version = one(headers["mcp-protocol-version"]);
  const required = version !== undefined && version >= HEADERS_REQUIRED_FROM;
  if (body.batch) {
    if (method !== undefined || name !== undefined)
      throw mismatch("Mcp-Method and Mcp-Name describe one message, and the body is a batch");
    return;
  }
  const m = body.messages[0];
  if (m.method === undefined) return; // a response to the server: no operation to mirror
  if (method === undefined) {
    if (required) throw mismatch(`the Mcp-Method header is required from protocol version ${HEADERS_REQUIRED_FROM}`);
  } else if (method !== m.method) {
    throw mismatch(`Mcp-Method header value '${clip(method)}' does not match body value '${clip(m.method)}'`);
  }
  if (name === undefined) {
    if (required && NAMED_METHODS.has(m.method))
      throw mismatch(`the Mcp-Name header is required for ${m.method} from protocol version ${HEADERS_REQUIRED_FROM}`);
    return;
  }
  const decoded = decodeHeaderValue(name);
  if (decoded === undefined) throw mismatch("the Mcp-Name header value is malformed");
  const bodyName = m.name ?? bodyNameOf(m.params);
  if (bodyName === undefined) throw mismatch("an Mcp-Name header was sent for a message that names nothing");
  if (decoded !== bodyName)
    throw mismatch(`Mcp-Name header value '${clip(decoded)}' does not match body value '${clip(bodyName)}'`);
}

/** Methods outside the named table still carry a name or uri sometimes: compare against it. */
function bodyNameOf(params: Record<string, unknown> | undefined): string | undefined {
  const v = params?.name ?? params?.uri;
  return typeof v === "string" ? v : undefined;
}

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);
