import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { loadSecretKey } from "../secrets/secret-box";
import { migrate } from "./migrate";
import { ensureDataDir } from "./storage-errors";
import { parseDatabaseUrl } from "./url";

const dir = mkdtempSync(join(tmpdir(), "portcullis-storage-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A regular file where a directory must be: fails for every user, root included (tests may run as root).
const aFile = join(dir, "a-file");
writeFileSync(aFile, "");

const storageError = async (p: Promise<unknown> | (() => unknown)) => {
  try {
    await (typeof p === "function" ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("storage_unavailable");
    return (e as AppError).message;
  }
  throw new Error("expected a storage_unavailable error");
};

describe("storage errors", () => {
  it("names a data directory that cannot be created, and the fix", async () => {
    expect(await storageError(() => ensureDataDir(join(aFile, "data")))).toMatch(
      new RegExp(
        `^cannot create the data directory ${aFile}/data \\(ENOTDIR: .*\\); set DATABASE_URL to a file in a writable directory, for example file:\\./data/portcullis\\.db$`,
      ),
    );
    expect(await storageError(migrate(parseDatabaseUrl(`file:${join(aFile, "data", "p.db")}`)))).toMatch(
      /^cannot create the data directory /,
    );
  });

  it("names a SQLite file that cannot be opened", async () => {
    const asDir = join(dir, "is-a-dir.db");
    mkdirSync(asDir);
    expect(await storageError(migrate(parseDatabaseUrl(`file:${asDir}`)))).toMatch(
      new RegExp(
        `^cannot open the SQLite database ${asDir} \\(.+\\); the file and its directory must be writable by this process$`,
      ),
    );
  });

  it("names an unreachable PostgreSQL without its password", async () => {
    const message = await storageError(
      migrate(parseDatabaseUrl("postgres://portcullis:hunter2-secret@127.0.0.1:1/db")),
    );
    expect(message).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/portcullis:\*\*\*@127\.0\.0\.1:1\/db \(.*ECONNREFUSED.*\); check DATABASE_URL and that the server is running$/,
    );
    expect(message).not.toContain("hunter2");
  });

  it("names a secret key file that cannot be read or written", async () => {
    const keyDir = join(dir, "keys");
    mkdirSync(join(keyDir, "secret.key"), { recursive: true }); // a directory where the key file should be
    expect(await storageError(() => loadSecretKey(undefined, keyDir))).toMatch(
      /^cannot read the secret key file .*secret\.key \(EISDIR: .*\); it must be readable by this process, or set PORTCULLIS_SECRET_KEY$/,
    );
    expect(await storageError(() => loadSecretKey(undefined, join(aFile, "data")))).toMatch(
      /^cannot create the data directory /,
    );
  });
});
