import { describe, expect, it } from "vitest";
import type { ConfigRepo } from "../db/config-repo";
import { AppError } from "../errors";
import { applyConfigText } from "./apply";

/** A repository that records calls; its dry run can be made to fail (as a database constraint would). */
function fakeRepo(failDryRun: boolean, log: string[]) {
  return {
    stateIndex: async () => ({ providers: new Set(["kc", "spare"]), servers: new Map() }),
    applyChanges: async (_changes: unknown, _actor: string, _action: string, opts: { dryRun?: boolean } = {}) => {
      log.push(opts.dryRun ? "dry run" : "apply");
      if (opts.dryRun && failDryRun) throw new AppError("conflict", "the database refused");
      return { version: 2, created: [], updated: [], deleted: ["provider/spare"], unchanged: ["provider/kc"] };
    },
  } as unknown as ConfigRepo;
}

const FILE = "providers:\n  - name: kc\n    issuer: https://idp.example.com\n";

describe("applyConfigText with beforeDeletingProviders", () => {
  it("runs a dry run of the whole file, then the hook with the providers it deletes, then the apply", async () => {
    const log: string[] = [];
    const r = await applyConfigText(fakeRepo(false, log), FILE, {
      actor: "t",
      prune: true,
      beforeDeletingProviders: async (names) => (log.push(`hook ${names.join(",")}`), { spare: "what the hook did" }),
    });
    expect(log).toEqual(["dry run", "hook spare", "apply"]);
    // What the hook returns is reported with the summary.
    expect(r).toEqual({
      version: 2,
      created: [],
      updated: [],
      deleted: ["provider/spare"],
      unchanged: ["provider/kc"],
      idpClients: { spare: "what the hook did" },
    });
  });

  it("reports no upstream when the hook did not run", async () => {
    const log: string[] = [];
    const r = await applyConfigText(fakeRepo(false, log), FILE, {
      actor: "t",
      beforeDeletingProviders: async () => "never",
    });
    expect(log).toEqual(["apply"]);
    expect(r).not.toHaveProperty("upstream");
  });

  it("never calls the hook when the database's dry run refuses the file", async () => {
    const log: string[] = [];
    const e = await applyConfigText(fakeRepo(true, log), FILE, {
      actor: "t",
      prune: true,
      beforeDeletingProviders: async () => void log.push("hook"),
    }).catch((x) => x);
    expect(e).toMatchObject({ code: "conflict", message: "the database refused" });
    expect(log).toEqual(["dry run"]);
  });
});
