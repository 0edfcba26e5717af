// Vitest glue (imports vitest, so keep it out of code that benchmarks/scripts load).
import { afterAll } from "vitest";
import { cleanup } from "./cleanup";

/** Call at the top of a test file: stops everything the harness started once the file finishes. */
export function autoCleanup(): void {
  afterAll(async () => {
    await cleanup.runAll();
  });
}
