/**
 * The project root, found from this module's location: the same answer whether
 * the code runs from source (tsx) or from the production bundle in dist/.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, "utf8")) as { name?: string }).name === "portcullis")
      return (cached = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error("cannot find the Portcullis project root (package.json named portcullis)");
    dir = up;
  }
}

/** The `version` of the project's package.json. */
export function projectVersion(): string {
  return (JSON.parse(readFileSync(join(projectRoot(), "package.json"), "utf8")) as { version: string }).version;
}
