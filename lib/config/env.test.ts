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
