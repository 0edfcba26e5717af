import { hash } from "node:crypto";

/** sha256 of the token, hex. The verdict cache key; never logged whole. */
export const tokenHash = (token: string): string => hash("sha256", token, "hex");

/** The only form of a token the gateway keeps or logs: 12 hex chars of its sha256. */
export const fingerprintOf = (hash: string): string => hash.slice(0, 12);
