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
});
