import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { AppError, isAppError } from "../errors";
import { ProxyError } from "../proxy/errors";
import { InvalidClient, SlowDown } from "../oauth/errors";
import { McpRefusal, sendRefusal } from "../mcp/refusal";
import { sendBearerChallenge } from "../proxy/challenge";
import { failResponse, sendError } from "./respond";

/** What a handler wrote: status, headers in order, body bytes. */
function recorder(headersSent = false) {
  const out: { status?: number; headers?: OutgoingHttpHeaders; body?: string } = {};
  const res = {
    headersSent,
    writeHead(status: number, headers: OutgoingHttpHeaders) {
      out.status = status;
      out.headers = headers;
      return this;
    },
    end(body?: string) {
      out.body = body;
    },
  } as unknown as ServerResponse;
  return { res, out };
}

const json = { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" };

describe("one error writer, one body per wire format", () => {
  it("writes an admin error as {error:{code,message}} with its status and the caller's headers", () => {
    const { res, out } = recorder();
    sendError(res, new AppError("unauthorized", "admin authentication required"), { "www-authenticate": "Bearer" });
    expect(out.status).toBe(401);
    expect(out.body).toBe('{"error":{"code":"unauthorized","message":"admin authentication required"}}');
    expect(Object.keys(out.headers!)).toEqual(["content-type", "content-length", "cache-control", "www-authenticate"]);
    expect(out.headers).toMatchObject({ ...json, "content-length": Buffer.byteLength(out.body!) });
  });

  it("writes an MCP-path error in the OAuth shape with the proxy's status", () => {
    const { res, out } = recorder();
    sendError(res, new ProxyError("upstream_timeout", "The MCP server did not answer in time"), {
      connection: "close",
    });
    expect(out.status).toBe(504);
    expect(out.body).toBe('{"error":"upstream_timeout","error_description":"The MCP server did not answer in time"}');
    expect(out.headers).toMatchObject({ ...json, connection: "close" });
  });

  it("writes an OAuth error per RFC 6749 §5.2: no-cache, its own challenge and retry-after, then CORS", () => {
    const basic = recorder();
    sendError(basic.res, new InvalidClient("unknown client", true), { "access-control-allow-origin": "*" });
    expect(basic.out.status).toBe(401);
    expect(basic.out.body).toBe('{"error":"invalid_client","error_description":"unknown client"}');
    expect(Object.keys(basic.out.headers!)).toEqual([
      "content-type",
      "content-length",
      "cache-control",
      "pragma",
      "www-authenticate",
      "access-control-allow-origin",
    ]);
    expect(basic.out.headers).toMatchObject({ pragma: "no-cache", "www-authenticate": 'Basic realm="portcullis"' });
    const slow = recorder();
    sendError(slow.res, new SlowDown("too many registrations", 30));
    expect(slow.out.status).toBe(429);
    expect(slow.out.headers).toMatchObject({ "retry-after": "30" });
  });

  it("writes a gate refusal as JSON-RPC errors, one per batch element", () => {
    const { res, out } = recorder();
    sendRefusal(res, new McpRefusal("policy_denied", "tools/call rm is denied", { rule: "r1" }), {
      batch: { ids: [1, "b"], refusedIndex: 1 },
    });
    expect(out.status).toBe(403);
    expect(out.body).toBe(
      '[{"jsonrpc":"2.0","id":1,"error":{"code":-31403,"message":"Not executed: batch element 1 was refused"}},' +
        '{"jsonrpc":"2.0","id":"b","error":{"code":-31403,"message":"tools/call rm is denied","data":{"rule":"r1"}}}]',
    );
  });

  it("writes a bearer challenge: WWW-Authenticate and the rejection body", () => {
    const { res, out } = recorder();
    sendBearerChallenge(res, 401, { resourceMetadata: "https://gw/.well-known/x", scope: ["a", "b"] }, { vary: "x" });
    expect(out.body).toBe('{"error":"unauthorized","error_description":"An access token is required"}');
    expect(Object.keys(out.headers!)).toEqual([
      "content-type",
      "content-length",
      "cache-control",
      "www-authenticate",
      "vary",
    ]);
    expect(out.headers!["www-authenticate"]).toBe('Bearer resource_metadata="https://gw/.well-known/x", scope="a b"');
  });

  it("never leaks an unknown error, and writes nothing once headers are out", () => {
    const { res, out } = recorder();
    sendError(res, new Error("SELECT * FROM secrets failed at 10.0.0.5"));
    expect(out.status).toBe(500);
    expect(out.body).toBe('{"error":{"code":"internal","message":"Internal error"}}');
    const sent = recorder(true);
    sendError(sent.res, new ProxyError("upstream_unavailable", "gone"));
    expect(sent.out.status).toBeUndefined();
  });
});

describe("isAppError", () => {
  it("recognises every subclass, and an AppError made by another copy of the module", async () => {
    expect(isAppError(new ProxyError("upstream_blocked", "x"))).toBe(true);
    expect(isAppError(new McpRefusal("rate_limited", "x"))).toBe(true);
    // Next bundles its own copy of lib/errors.ts: another module instance, another class.
    const another = "../errors?another-copy";
    const copy = (await import(/* @vite-ignore */ another)) as typeof import("../errors");
    const foreign = new copy.AppError("not_found", "no such server");
    expect(foreign).not.toBeInstanceOf(AppError);
    expect(isAppError(foreign)).toBe(true);
  });

  it("does not take a look-alike for one", () => {
    expect(isAppError({ name: "AppError", code: "not_found", message: "x" })).toBe(false);
    expect(isAppError(Object.assign(new Error("x"), { code: "not_found", status: 404 }))).toBe(false);
    expect(isAppError(null)).toBe(false);
  });
});

describe("a failure while answering", () => {
  it("is answered with its error when nothing was sent yet, and closes the connection after", () => {
    const fresh = recorder();
    failResponse(fresh.res, new AppError("not_ready", "later"));
    expect(fresh.out.status).toBe(503);
    expect(JSON.parse(fresh.out.body!)).toEqual({ error: { code: "not_ready", message: "later" } });

    let destroyed = false;
    const started = recorder(true);
    (started.res as unknown as { destroy(): void }).destroy = () => void (destroyed = true);
    failResponse(started.res, new Error("mid-body"));
    expect(destroyed).toBe(true);
    expect(started.out.status).toBeUndefined();
  });
});
