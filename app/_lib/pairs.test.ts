import { describe, expect, it } from "vitest";
import { linesToPairs, pairsToLines } from "./pairs";

describe("name = value lines", () => {
  it("round-trips a record, keeping empty values (a scope map entry that drops a scope)", () => {
    const record = { read: "api://mcp/read", offline_access: "", prompt: "a=b" };
    const lines = pairsToLines(record);
    expect(lines).toEqual(["read = api://mcp/read", "offline_access =", "prompt = a=b"]);
    expect(linesToPairs(lines)).toEqual({ value: record, errors: [] });
    expect(pairsToLines(undefined)).toEqual([]);
  });

  it("names each malformed or repeated line, and ignores blank ones", () => {
    expect(linesToPairs(["read = x", "", "  ", "oops", "= y", "read = z"])).toEqual({
      value: { read: "x" },
      errors: ['"oops" is not name = value', '"= y" is not name = value', '"read" is listed twice'],
    });
  });
});
