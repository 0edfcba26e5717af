/**
 * server.ts and Next's route handlers run in one process but Next bundles its
 * own copies of modules, so the runtime is shared through globalThis.
 */
import type { Runtime } from "./types";

const KEY = Symbol.for("portcullis.runtime");
type G = typeof globalThis & { [KEY]?: Runtime };

export function setRuntime(r: Runtime | undefined) {
  (globalThis as G)[KEY] = r;
}

export function getRuntime(): Runtime {
  const r = (globalThis as G)[KEY];
  if (!r)
    throw new Error(
      "Portcullis runtime is not initialised: start the console through server.ts (npm start / npm run dev)",
    );
  return r;
}
