import { isAbsolute, resolve, dirname } from "node:path";
import { AppError } from "../errors";

export const DEFAULT_DATABASE_URL = "file:./data/portcullis.db";

export type DatabaseTarget =
  { kind: "sqlite"; url: string; file: string; dataDir: string } | { kind: "postgres"; url: string; dataDir: string };

/**
 * `file:` URLs (relative to the working directory) select the embedded SQLite
 * database; `postgres://` / `postgresql://` select PostgreSQL. `dataDir` is where
 * files that must not live in the database (the secret key) are kept.
 */
export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): DatabaseTarget {
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
