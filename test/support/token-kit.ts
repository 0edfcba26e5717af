/**
 * Test fixtures for lib/tokens: keys, signed and hand-crafted tokens, and a
 * target whose JWKS cache is fed in memory (counting fetches). Not shipped code.
 */
import { createHmac } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload } from "jose";
import { buildExpectedAudiences } from "../../lib/tokens/expected-audiences";
import { JwksCache, type JwksCacheOptions } from "../../lib/tokens/jwks-cache";
import type { VerifyTarget } from "../../lib/tokens/types";

export const ISSUER = "https://idp.example.com/realms/mcp";
export const RESOURCE = "https://mcp.example.com/servers/fetcher/mcp";
export const CLIENT_ID = "mcp-gateway";
export const NOW_S = 1_900_000_000;

export type TestKey = { alg: string; kid: string; privateKey: CryptoKey; jwk: JWK };

export async function makeKey(alg: "RS256" | "ES256" | "EdDSA" | "PS256", kid: string): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, {
    extractable: true,
    ...(alg === "EdDSA" ? { crv: "Ed25519" } : {}),
  });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { alg, kid, privateKey, jwk };
}

export const b64 = (v: unknown) => Buffer.from(typeof v === "string" ? v : JSON.stringify(v)).toString("base64url");

export function baseClaims(over: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: RESOURCE,
    sub: "user-1",
    azp: "client-a",
    scope: "read write",
    iat: NOW_S - 10,
    exp: NOW_S + 300,
    ...over,
  };
}

export async function sign(
  key: TestKey,
  claims: JWTPayload = baseClaims(),
  header: Record<string, unknown> = {},
): Promise<string> {
  const h = { alg: key.alg, kid: key.kid, typ: "at+jwt", ...header };
  for (const k of Object.keys(h))
    if ((h as Record<string, unknown>)[k] === undefined) delete (h as Record<string, unknown>)[k];
  return new SignJWT(claims).setProtectedHeader(h as { alg: string }).sign(key.privateKey);
}

/** A token with an arbitrary header, HMAC-signed with `secret` (or unsigned). */
export function craft(header: Record<string, unknown>, claims: JWTPayload, secret?: string): string {
  const input = `${b64(header)}.${b64(claims)}`;
  const sig = secret === undefined ? "" : createHmac("sha256", secret).update(input).digest("base64url");
  return `${input}.${sig}`;
}

export type Fixture = {
  target: VerifyTarget;
  cache: JwksCache;
  fetches: () => number;
  setJwks: (keys: JWK[]) => void;
  setNow: (s: number) => void;
};

export function fixture(
  keys: TestKey[],
  opts: {
    server?: Partial<VerifyTarget["server"]>;
    provider?: Partial<VerifyTarget["provider"]>;
    cache?: Partial<JwksCacheOptions>;
  } = {},
): Fixture {
  let nowMs = NOW_S * 1000;
  let jwks: JWK[] = keys.map((k) => k.jwk);
  let count = 0;
  const now = () => nowMs;
  const cache = new JwksCache({
    url: "https://idp.example.com/jwks",
    now,
    fetcher: async () => {
      count++;
      return { keys: jwks };
    },
    ...opts.cache,
  });
  const server = {
    name: "fetcher",
    requiredScopes: [],
    includeClientIdInAudience: false,
    audiences: [],
    ...opts.server,
  };
  const provider = {
    name: "kc",
    issuer: ISSUER,
    clientId: CLIENT_ID,
    algorithms: [],
    clockSkewSeconds: 60,
    ...opts.provider,
  };
  const target: VerifyTarget = {
    server,
    provider,
    expectedAudiences: buildExpectedAudiences({
      serverName: server.name,
      resourceUrls: [{ url: RESOURCE, source: "public_url" }],
      providerName: provider.name,
      clientId: provider.clientId,
      includeClientIdInAudience: server.includeClientIdInAudience,
      audiences: server.audiences,
    }),
    keys: cache,
    now,
  };
  return {
    target,
    cache,
    fetches: () => count,
    setJwks: (k) => (jwks = k),
    setNow: (s) => (nowMs = s * 1000),
  };
}
