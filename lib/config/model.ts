/**
 * How config entities look once stored, at run time, and through the API.
 * Stored/public shapes never carry a secret in clear; runtime shapes carry
 * decrypted secrets in memory only (never serialised or logged).
 */
import type { ProviderConfig, ServerConfig } from "./schema";
import { serverPath } from "./schema";

/** A provider as stored (spec without secret) plus whether a secret is set. */
export type ProviderSpec = Omit<ProviderConfig, "clientSecret">;
export type ServerSpec = Omit<ServerConfig, "upstreamAuth"> & { upstreamAuth?: { header: string } };

export type ProviderView = ProviderSpec & { clientSecretSet: boolean; updatedAt?: string };
export type ServerView = ServerSpec & { effectivePath: string; upstreamAuthValueSet: boolean; updatedAt?: string };

export type RuntimeProvider = ProviderSpec & { clientSecret?: string };
export type RuntimeServer = ServerSpec & {
  effectivePath: string;
  upstreamAuth?: { header: string; value?: string };
};

/** An immutable view of the whole configuration at one version. */
export type ConfigSnapshot = {
  version: number;
  loadedAt: number;
  providers: ReadonlyMap<string, RuntimeProvider>;
  servers: ReadonlyMap<string, RuntimeServer>;
};

export function providerSpec(p: ProviderConfig): ProviderSpec {
  const { clientSecret: _secret, ...spec } = p;
  return spec;
}

export function serverSpec(s: ServerConfig): ServerSpec {
  const { upstreamAuth, ...rest } = s;
  return upstreamAuth ? { ...rest, upstreamAuth: { header: upstreamAuth.header } } : rest;
}

export const effectivePath = (s: Pick<ServerConfig, "name" | "path">) => serverPath(s);
