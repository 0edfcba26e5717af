import { describe, expect, it } from "vitest";
import { checkMetadataHeaders, decodeHeaderValue } from "./header-check";
import { parseBody } from "./messages";
import { McpRefusal } from "./refusal";

const body = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v));
const call = (name: string, extra: Record<string, unknown> = {}) =>
  parseBody(body({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {}, ...extra } }));
const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof McpRefusal) return { code: e.code, message: e.message, status: e.status };
    throw e;
  }
  return undefined;
};

describe("JSON-RPC bodies", () => {
  it("reads the method and the operation's name from params.name or params.uri", () => {
    expect(call("echo").messages).toEqual([
      { id: 1, method: "tools/call", name: "echo", params: { name: "echo", arguments: {} } },
    ]);
    const r = parseBody(body({ jsonrpc: "2.0", id: "a", method: "resources/read", params: { uri: "file:///x" } }));
    expect(r.messages[0]).toMatchObject({ method: "resources/read", name: "file:///x" });
    expect(parseBody(body({ jsonrpc: "2.0", method: "notifications/initialized" })).messages[0]).toEqual({
      id: undefined,
      method: "notifications/initialized",
      name: undefined,
      params: undefined,
    });
    expect(parseBody(body({ jsonrpc: "2.0", id: 3, result: {} })).messages[0]).toEqual({ id: 3 });
  });

  it("reads batches element by element and refuses what is not JSON-RPC", () => {
    const b = parseBody(
      body([
        { jsonrpc: "2.0", id: 1, method: "tools/list" },
        { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "x" } },
      ]),
    );
    expect(b.batch).toBe(true);
    expect(b.messages.map((m) => m.name)).toEqual([undefined, "x"]);
    expect(refusal(() => parseBody(body("{oops")))).toMatchObject({ code: "parse_error", status: 400 });
    expect(refusal(() => parseBody(body([])))).toMatchObject({ code: "invalid_request" });
    expect(refusal(() => parseBody(body({ id: 1, method: "x" })))).toMatchObject({ code: "invalid_request" });
    expect(refusal(() => parseBody(body([{ jsonrpc: "2.0", id: 1, method: "x" }, 5])))).toMatchObject({
      message: "The body is not a JSON-RPC 2.0 message (batch element 1)",
    });
    expect(refusal(() => parseBody(body({ jsonrpc: "2.0", id: {}, method: "x" })))).toMatchObject({
      code: "invalid_request",
    });
    expect(refusal(() => parseBody(body({ jsonrpc: "2.0", id: 1, method: "x", params: [1] })))).toMatchObject({
      code: "invalid_request",
    });
  });
});

describe("Mcp-Method and Mcp-Name headers", () => {
  const check = (headers: Record<string, string>, b = call("echo")) => refusal(() => checkMetadataHeaders(headers, b));

  it("accepts matching headers, or none from clients older than 2026-07-28", () => {
    expect(check({})).toBeUndefined();
    expect(check({ "mcp-protocol-version": "2025-11-25" })).toBeUndefined();
    expect(check({ "mcp-method": "tools/call", "mcp-name": "echo" })).toBeUndefined();
    expect(check({ "mcp-method": "tools/call", "mcp-name": "=?base64?ZWNobw==?=" })).toBeUndefined();
  });

  it("refuses a header that disagrees with the body with HeaderMismatch", () => {
    expect(check({ "mcp-method": "tools/list" })).toEqual({
      code: "header_mismatch",
      status: 400,
      message: "Header mismatch: Mcp-Method header value 'tools/list' does not match body value 'tools/call'",
    });
    expect(check({ "mcp-method": "tools/call", "mcp-name": "add" })).toMatchObject({
      message: "Header mismatch: Mcp-Name header value 'add' does not match body value 'echo'",
    });
    // Header values are case-sensitive.
    expect(check({ "mcp-method": "Tools/Call" })).toMatchObject({ code: "header_mismatch" });
  });

  it("refuses missing headers from 2026-07-28 clients, malformed names and names for unnamed messages", () => {
    expect(check({ "mcp-protocol-version": "2026-07-28" })).toMatchObject({ code: "header_mismatch" });
    expect(check({ "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call" })).toMatchObject({
      message: "Header mismatch: the Mcp-Name header is required for tools/call from protocol version 2026-07-28",
    });
    expect(check({ "mcp-name": "=?base64?not base64!?=" })).toMatchObject({ code: "header_mismatch" });
    const list = parseBody(body({ jsonrpc: "2.0", id: 1, method: "tools/list" }));
    expect(check({ "mcp-method": "tools/list", "mcp-name": "echo" }, list)).toMatchObject({ code: "header_mismatch" });
    const batch = parseBody(body([{ jsonrpc: "2.0", id: 1, method: "tools/list" }]));
    expect(check({ "mcp-method": "tools/list" }, batch)).toMatchObject({ code: "header_mismatch" });
  });

  it("decodes the Base64 sentinel as UTF-8 and rejects what is not canonical", () => {
    expect(decodeHeaderValue(`=?base64?${Buffer.from("Hello, 世界").toString("base64")}?=`)).toBe("Hello, 世界");
    expect(decodeHeaderValue("=?base64?//79?=")).toBeUndefined(); // not UTF-8
    expect(decodeHeaderValue("plain value")).toBe("plain value");
    expect(decodeHeaderValue("caf\u00e9")).toBeUndefined();
  });
});
