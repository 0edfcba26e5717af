import { describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { parseEnv } from "./env";

const fieldsOf = (source: Record<string, string>) => {
  try {
    parseEnv(source);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).fields;
  }
  throw new Error("expected the environment to be refused");
};

describe("parseEnv", () => {
  it("says what is wrong with PUBLIC_URL (not only 'Invalid input')", () => {
    expect(fieldsOf({ PUBLIC_URL: "notaurl" })).toEqual([
      { path: "PUBLIC_URL", message: 'not a valid URL: "notaurl"' },
    ]);
    expect(fieldsOf({ PUBLIC_URL: "ftp://mcp.example.com" })).toEqual([
      { path: "PUBLIC_URL", message: 'must be an http(s) URL, got "ftp:"' },
    ]);
  });

  it("takes an empty PUBLIC_URL as unset, and a good one without its trailing slash", () => {
    expect(parseEnv({ PUBLIC_URL: "" }).PUBLIC_URL).toBeUndefined();
    expect(String(parseEnv({ PUBLIC_URL: "https://mcp.example.com/base/" }).PUBLIC_URL)).toBe(
      "https://mcp.example.com/base",
    );
  });

  it("reads ALLOWED_HOSTS as normalised host names and says what is wrong with an entry", () => {
    expect(parseEnv({}).ALLOWED_HOSTS).toEqual([]);
    expect(parseEnv({ ALLOWED_HOSTS: " MCP.example.com, .Example.org ,*,[::1], 10.0.0.5," }).ALLOWED_HOSTS).toEqual([
      "mcp.example.com",
      ".example.org",
      "*",
      "[::1]",
      "10.0.0.5",
    ]);
    expect(fieldsOf({ ALLOWED_HOSTS: "https://mcp.example.com, gw.example.com:8443, bad_name" })).toEqual([
      {
        path: "ALLOWED_HOSTS",
        message: '"https://mcp.example.com" is a URL; list host names only (e.g. mcp.example.com)',
      },
      {
        path: "ALLOWED_HOSTS",
        message: '"gw.example.com:8443" is not a host name, a ".domain" or "*" (leave the port out)',
      },
      { path: "ALLOWED_HOSTS", message: '"bad_name" is not a host name, a ".domain" or "*"' },
    ]);
  });
});

describe("parseEnv: listeners, workers and draining", () => {
  it("defaults to one process on one port with a 20 s drain", () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORTCULLIS_WORKERS: 1,
      PORTCULLIS_DRAIN_TIMEOUT_MS: 20_000,
      PORTCULLIS_DRAIN_DELAY_MS: 0,
    });
    expect(env.ADMIN_PORT).toBeUndefined();
    expect(env.ADMIN_HOST).toBeUndefined();
    expect(parseEnv({ ADMIN_PORT: "", PORTCULLIS_WORKERS: "" })).toMatchObject({ PORTCULLIS_WORKERS: 1 });
  });

  it("reads the admin listener, a worker count or auto, and the drain deadline", () => {
    expect(
      parseEnv({
        ADMIN_PORT: "3001",
        ADMIN_HOST: "10.0.0.1",
        PORTCULLIS_WORKERS: "4",
        PORTCULLIS_DRAIN_TIMEOUT_MS: "0",
      }),
    ).toMatchObject({
      ADMIN_PORT: 3001,
      ADMIN_HOST: "10.0.0.1",
      PORTCULLIS_WORKERS: 4,
      PORTCULLIS_DRAIN_TIMEOUT_MS: 0,
    });
    expect(parseEnv({ PORTCULLIS_WORKERS: "auto" }).PORTCULLIS_WORKERS).toBe("auto");
  });

  it("names the variable of a bad value", () => {
    expect(fieldsOf({ PORTCULLIS_WORKERS: "many" })).toEqual([
      { path: "PORTCULLIS_WORKERS", message: 'must be a whole number from 1 to 256, or "auto"' },
    ]);
    expect(fieldsOf({ PORTCULLIS_WORKERS: "0" })?.[0].path).toBe("PORTCULLIS_WORKERS");
    expect(fieldsOf({ ADMIN_PORT: "70000" })?.[0].path).toBe("ADMIN_PORT");
    expect(fieldsOf({ PORTCULLIS_DRAIN_TIMEOUT_MS: "-1" })?.[0].path).toBe("PORTCULLIS_DRAIN_TIMEOUT_MS");
  });
});
