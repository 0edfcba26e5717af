// Helpers shared by the resource-server integration tests (test/resource-server*.test.ts, test/rs-*.test.ts):
// a loopback JWKS server with a key we can sign arbitrary tokens with, and config writes through lib/db
// (the way another replica or `portcullis apply` would write).
import { createServer, request as httpRequest } from "node:http";
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from "jose";
import { createHmac } from "node:crypto";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { cleanup, closeHttpServer, listenLoopback } from "./support/cleanup";
import { openDatabase } from "../lib/runtime/create-runtime";
import { applyConfigText } from "../lib/config/apply";

export const LOCAL_ISSUER = "https://issuer.portcullis.test";

export type LocalIssuer = {
  jwksUrl: string;
  fetches(): number;
  sign(claims: JWTPayload, header?: Record<string, unknown>): Promise<string>;
  /** Signed by a key that is not in the JWKS, with the same kid. */
  signWithOtherKey(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
};

export async function startLocalIssuer(): Promise<LocalIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  const other = await generateKeyPair("RS256", { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  let fetches = 0;
  const http = createServer((req, res) => {
    if (req.url === "/jwks") {
      fetches++;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404);
    res.end();
  });
  const port = await listenLoopback(http);
  const unregister = cleanup.add(`local-issuer(${port})`, () => closeHttpServer(http));
  const signWith = (key: CryptoKey, claims: JWTPayload, header: Record<string, unknown> = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: "k1", typ: "at+jwt", ...header } as { alg: string })
      .sign(key);
  return {
    jwksUrl: `http://127.0.0.1:${port}/jwks`,
    fetches: () => fetches,
    sign: (claims, header) => signWith(privateKey, claims, header),
    signWithOtherKey: (claims) => signWith(other.privateKey, claims),
    async close() {
      unregister();
      await closeHttpServer(http);
    },
  };
}

export const nowS = () => Math.floor(Date.now() / 1000);

export function claims(aud: string | string[], over: JWTPayload = {}): JWTPayload {
  return {
    iss: LOCAL_ISSUER,
    aud,
    sub: "user-1",
    client_id: "client-a",
    scope: "mcp:read",
    iat: nowS() - 5,
    exp: nowS() + 600,
    ...over,
  };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
/** A token with an arbitrary header (alg none / HS256 with a guessable secret). */
export function craft(header: Record<string, unknown>, payload: JWTPayload, hmacSecret?: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${hmacSecret === undefined ? "" : createHmac("sha256", hmacSecret).update(input).digest("base64url")}`;
}

/** Writes config into the gateway's database directly, as `portcullis apply -f` or another replica would. */
export async function applyToDatabase(databaseUrl: string, yaml: string): Promise<void> {
  const store = await openDatabase({ DATABASE_URL: databaseUrl, PORTCULLIS_SECRET_KEY: undefined });
  try {
    await applyConfigText(store.config, yaml, { actor: "test" });
  } finally {
    await store.db.$disconnect();
  }
}

/** An official SDK client connected through the gateway with a bearer token. */
export async function connectClient(
  url: string,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Client> {
  const client = new Client({ name: "portcullis-test-client", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } },
  });
  await client.connect(transport);
  cleanup.add("sdk-client", () => client.close().catch(() => undefined));
  return client;
}

export async function waitFor<T>(
  fn: () => Promise<T | undefined>,
  timeoutMs: number,
  everyMs = 100,
): Promise<{ value: T; afterMs: number }> {
  const start = Date.now();
  for (;;) {
    const v = await fn().catch(() => undefined);
    if (v !== undefined) return { value: v, afterMs: Date.now() - start };
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor: timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * A request with any headers (fetch cannot set Host), optionally from another local address (all of
 * 127.0.0.0/8 is loopback: another "client machine"). Resolves with status, headers and text body.
 */
export function rawRequest(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<{ status: number; headers: import("node:http").IncomingHttpHeaders; text: string; json: () => any }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method: opts.method ?? "GET",
        headers: opts.headers,
        localAddress: opts.localAddress,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => (text += c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
      },
    );
    req.on("error", reject);
    req.end(opts.body);
  });
}

export const INIT_BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "1" } },
});
export const MCP_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };
