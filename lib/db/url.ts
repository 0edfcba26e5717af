import { isAbsolute, resolve, dirname } from "node:path";
import { AppError } from "../errors";
import { projectRoot } from "../project-root";

export const DEFAULT_DATABASE_URL = "file:./data/portcullis.db";

export type DatabaseTarget =
  { kind: "sqlite"; url: string; file: string; dataDir: string } | { kind: "postgres"; url: string; dataDir: string };

/**
 * `file:` URLs select the embedded SQLite database; a relative path resolves against the project
 * directory (not the shell's working directory), so the server and `portcullis` run from any directory
 * use the same file. `postgres://` / `postgresql://` select PostgreSQL. `dataDir` is where files that must
 * not live in the database (the secret key) are kept.
 */
export function parseDatabaseUrl(raw: string | undefined, cwd = projectRoot()): DatabaseTarget {
  const url = raw?.trim() || DEFAULT_DATABASE_URL;
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    if (!path) throw new AppError("bad_request", "DATABASE_URL: file: URL has no path");
    const file = isAbsolute(path) ? path : resolve(cwd, path);
    return { kind: "sqlite", url: `file:${file}`, file, dataDir: dirname(file) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) {
    return { kind: "postgres", url, dataDir: resolve(cwd, "data") };
  }
  throw new AppError(
    "bad_request",
    `DATABASE_URL: unsupported scheme in "${url.split(":")[0]}:…" (use file:… or postgres://…)`,
  );
}

/** For logs: never print a password. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}
