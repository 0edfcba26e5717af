import { describe, expect, it } from "vitest";
import { insertStatement } from "./audit-writer";

const rec = {
  id: "r1",
  at: Date.UTC(2026, 0, 2, 3, 4, 5, 6),
  server: "s",
  decision: "deny" as const,
  status: 403,
  latencyMs: 1.5,
};

describe("audit batch insert", () => {
  it("writes one multi-row INSERT with the database's own placeholders and timestamp text", () => {
    const lite = insertStatement([rec, { ...rec, id: "r2", rule: "no-rm" }], "sqlite");
    expect(lite.sql).toMatch(
      /^INSERT INTO "McpAuditRecord" \("id","at",.*"arguments"\) VALUES \(\?(,\?){13}\),\(\?(,\?){13}\)$/,
    );
    expect(lite.args.slice(0, 3)).toEqual(["r1", "2026-01-02T03:04:05.006+00:00", "s"]);
    expect(lite.args[14 + 8]).toBe("no-rm");
    const pg = insertStatement([rec, rec], "postgres");
    expect(pg.sql).toContain("($1,$2::timestamp,$3,");
    expect(pg.sql).toContain("($15,$16::timestamp,");
    expect(pg.args[1]).toBe("2026-01-02T03:04:05.006");
  });
});
