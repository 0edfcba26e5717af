import { describe, expect, it } from "vitest";
import { describeCleanup } from "./cleanup-counts";

const zero = { deleted: 0, already_gone: 0, none: 0, unmanaged: 0, kept: 0 };

describe("describeCleanup", () => {
  it("names each non-zero count, IdP deletions first", () => {
    expect(describeCleanup({ ...zero, none: 2, unmanaged: 1, deleted: 3 })).toBe(
      "3 deleted at the IdP, 1 left at the IdP (no registration access token), 2 on the provider's own client",
    );
    expect(describeCleanup({ ...zero, already_gone: 1, kept: 4 })).toBe(
      "1 already gone from the IdP, 4 kept at the IdP",
    );
  });

  it("says so when the provider had no clients", () => {
    expect(describeCleanup(zero)).toBe("no clients");
  });
});
