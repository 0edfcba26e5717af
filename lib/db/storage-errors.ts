/**
 * Failures to reach storage, as AppErrors that say what failed and what to change. Without these,
 * `npm start` and the CLI printed a raw Node error object (errno, syscall, stack) for an unwritable
 * data directory or an unreachable PostgreSQL.
 */
import { mkdirSync } from "node:fs";
import { AppError, errorMessage } from "../errors";
import { redactDatabaseUrl } from "./url";

/** Creates the data directory (and its parents) or says why it cannot. */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new AppError(
      "storage_unavailable",
      `cannot create the data directory ${dir} (${errorMessage(e)}); set DATABASE_URL to a file in a writable directory, for example file:./data/portcullis.db`,
      { cause: e },
    );
  }
}

export function sqliteOpenFailed(file: string, e: unknown): AppError {
  return new AppError(
    "storage_unavailable",
    `cannot open the SQLite database ${file} (${errorMessage(e)}); the file and its directory must be writable by this process`,
    { cause: e },
  );
}

/** The URL is shown without its password. */
export function postgresConnectFailed(url: string, e: unknown): AppError {
  return new AppError(
    "storage_unavailable",
    `cannot connect to PostgreSQL at ${redactDatabaseUrl(url)} (${errorMessage(e)}); check DATABASE_URL and that the server is running`,
    { cause: e },
  );
}

export function secretKeyFileFailed(action: "read" | "write", file: string, e: unknown): AppError {
  const fix = action === "read" ? "it must be readable by this process" : "make its directory writable";
  return new AppError(
    "storage_unavailable",
    `cannot ${action} the secret key file ${file} (${errorMessage(e)}); ${fix}, or set PORTCULLIS_SECRET_KEY`,
    { cause: e },
  );
}
