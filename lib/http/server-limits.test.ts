import { EventEmitter } from "node:events";
import type { Server } from "node:http";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../config/env";
import type { Logger } from "../log";
import { limitConnections, serverOptions } from "./server-limits";

describe("server limits", () => {
  it("by default: 30 s to send a request, 10,000 connections, deadlines checked every 3 s", () => {
    const env = parseEnv({});
    expect(env.PORTCULLIS_REQUEST_TIMEOUT_MS).toBe(30_000);
    expect(env.PORTCULLIS_MAX_CONNECTIONS).toBe(10_000);
    expect(serverOptions(env)).toEqual({
      keepAliveTimeout: 65_000,
      requestTimeout: 30_000,
      headersTimeout: 30_000,
      connectionsCheckingInterval: 3_000,
    });
  });

  it("0 turns the request timeout off (Node's own 60 s header limit stays) and the cap off", () => {
    const env = parseEnv({ PORTCULLIS_REQUEST_TIMEOUT_MS: "0", PORTCULLIS_MAX_CONNECTIONS: "0" });
    expect(serverOptions(env)).toMatchObject({ requestTimeout: 0, headersTimeout: 60_000 });
    const server = Object.assign(new EventEmitter(), { maxConnections: undefined as number | undefined });
    limitConnections(server as unknown as Server, env, {} as Logger);
    expect(server.maxConnections).toBeUndefined();
  });

  it("refuses values that are not whole non-negative numbers, by name", () => {
    expect(() => parseEnv({ PORTCULLIS_REQUEST_TIMEOUT_MS: "-1" })).toThrow(/environment/);
    expect(() => parseEnv({ PORTCULLIS_MAX_CONNECTIONS: "lots" })).toThrow(/environment/);
  });

  it("logs dropped connections at most once per interval, with the count", () => {
    const lines: unknown[] = [];
    const logger = { warn: (o: unknown, msg: string) => lines.push({ ...(o as object), msg }) } as unknown as Logger;
    const server = Object.assign(new EventEmitter(), { maxConnections: undefined as number | undefined });
    limitConnections(server as unknown as Server, parseEnv({ PORTCULLIS_MAX_CONNECTIONS: "5" }), logger);
    expect(server.maxConnections).toBe(5);
    for (let i = 0; i < 4; i++) server.emit("drop");
    expect(lines).toEqual([
      { dropped: 1, maxConnections: 5, msg: "connection refused: PORTCULLIS_MAX_CONNECTIONS connections are open" },
    ]);
  });
});
