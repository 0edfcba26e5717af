/**
 * Encrypts secrets at rest (provider client secrets, upstream credentials) as
 * compact JWE (`dir` + A256GCM, via jose: no hand-rolled crypto). The 256-bit key
 * comes from PORTCULLIS_SECRET_KEY (base64url) or is generated once into
 * `<dataDir>/secret.key` (mode 0600) — never into the database it protects.
 */
import { CompactEncrypt, compactDecrypt, base64url } from "jose";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ensureDataDir, secretKeyFileFailed } from "../db/storage-errors";
import { AppError } from "../errors";

export interface SecretBox {
  encrypt(plain: string): Promise<string>;
  decrypt(sealed: string): Promise<string>;
}

export function createSecretBox(key: Uint8Array): SecretBox {
  if (key.length !== 32) throw new AppError("bad_request", "the secret key must be 32 bytes (base64url-encoded)");
  const enc = new TextEncoder();
  const dec = new TextDecoder();
  return {
    async encrypt(plain) {
      return new CompactEncrypt(enc.encode(plain)).setProtectedHeader({ alg: "dir", enc: "A256GCM" }).encrypt(key);
    },
    async decrypt(sealed) {
      try {
        const { plaintext } = await compactDecrypt(sealed, key, {
          keyManagementAlgorithms: ["dir"],
          contentEncryptionAlgorithms: ["A256GCM"],
        });
        return dec.decode(plaintext);
      } catch (e) {
        throw new AppError(
          "internal",
          "a stored secret cannot be decrypted: was PORTCULLIS_SECRET_KEY or data/secret.key changed?",
          { cause: e },
        );
      }
    },
  };
}

export type SecretKeySource = { key: Uint8Array; source: "env" | "file" | "generated"; file?: string };

export function loadSecretKey(envValue: string | undefined, dataDir: string): SecretKeySource {
  if (envValue) {
    const key = base64url.decode(envValue.trim());
    if (key.length !== 32)
      throw new AppError("bad_request", "PORTCULLIS_SECRET_KEY must be 32 random bytes, base64url-encoded");
    return { key, source: "env" };
  }
  const file = join(dataDir, "secret.key");
  if (existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      throw secretKeyFileFailed("read", file, e);
    }
    const key = base64url.decode(text.trim());
    if (key.length !== 32) throw new AppError("bad_request", `${file} does not hold a 32-byte base64url key`);
    return { key, source: "file", file };
  }
  ensureDataDir(dataDir);
  const key = randomBytes(32);
  // "wx": never overwrite a key another process generated a moment ago.
  try {
    writeFileSync(file, base64url.encode(key) + "\n", { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return loadSecretKey(undefined, dataDir);
    throw secretKeyFileFailed("write", file, e);
  }
  return { key, source: "generated", file };
}
