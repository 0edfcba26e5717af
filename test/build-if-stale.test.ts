/**
 * The console is rebuilt when its sources change in content, not when files are merely touched
 * (`npm install` rewrites package-lock.json and would otherwise cost a rebuild on every start).
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs build script without type declarations
import { sourcesHash } from "../scripts/build-if-stale.mjs";

describe("the console build's staleness check", () => {
  const dir = mkdtempSync(join(tmpdir(), "pc-stale-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, "app"));
  mkdirSync(join(dir, "lib", "db", "generated"), { recursive: true });
  writeFileSync(join(dir, "app", "page.tsx"), "export default 1;\n");
  writeFileSync(join(dir, "package-lock.json"), "{}\n");
  const hash = (): string => sourcesHash(dir);

  it("ignores touched files, tests and generated code, and sees changed, added and removed content", () => {
    const before = hash();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, "package-lock.json"), later, later);
    writeFileSync(join(dir, "package-lock.json"), "{}\n"); // rewritten with the same content
    writeFileSync(join(dir, "lib", "x.test.ts"), "test\n");
    writeFileSync(join(dir, "lib", "db", "generated", "client.ts"), "regenerated\n");
    expect(hash()).toBe(before);

    writeFileSync(join(dir, "app", "page.tsx"), "export default 2;\n");
    const changed = hash();
    expect(changed).not.toBe(before);
    writeFileSync(join(dir, "lib", "new.ts"), "export {};\n");
    expect(hash()).not.toBe(changed);
    rmSync(join(dir, "lib", "new.ts"));
    expect(hash()).toBe(changed);
  });
});
