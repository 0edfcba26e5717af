import { describe, expect, it, beforeAll } from "vitest";
import { applyFixPatch } from "./fix";
import {
  baseClaims,
  b64,
  CLIENT_ID,
  craft,
  fixture,
  ISSUER,
  makeKey,
  NOW_S,
  RESOURCE,
  sign,
  type TestKey,
} from "../../test/support/token-kit";
import { checkIds, type Diagnosis } from "./types";
import { verifyAccessToken } from "./verify";
import { decodeJws, MAX_TOKEN_LENGTH } from "./decode";
import { exportJWK, generateKeyPair } from "jose";
import { createPrivateKey, sign as nodeSign } from "node:crypto";

/** Signs with node:crypto, for headers jose will not produce (crit, invalid UTF-8). `header`: an object, or its base64url. */
async function signRaw(key: TestKey, header: Record<string, unknown> | string): Promise<string> {
  const input = `${typeof header === "string" ? header : b64(header)}.${b64(baseClaims())}`;
  const pk = createPrivateKey({
    key: (await exportJWK(key.privateKey)) as import("node:crypto").JsonWebKey,
    format: "jwk",
  });
  return `${input}.${nodeSign("sha256", Buffer.from(input), pk).toString("base64url")}`;
}

let rs: TestKey, es: TestKey, ed: TestKey, ps: TestKey, other: TestKey;

beforeAll(async () => {
  [rs, es, ed, ps, other] = await Promise.all([
    makeKey("RS256", "rs-1"),
    makeKey("ES256", "es-1"),
    makeKey("EdDSA", "ed-1"),
    makeKey("PS256", "ps-1"),
    makeKey("RS256", "rs-1"), // same kid, different key material
  ]);
});

const check = (d: Diagnosis, id: string) => d.checks.find((c) => c.id === id)!;

describe("verifyAccessToken: accepted tokens", () => {
  it.each(["RS256", "ES256", "EdDSA", "PS256"])(
    "accepts a valid %s access token and reports identity facts",
    async (alg) => {
      const key = { RS256: rs, ES256: es, EdDSA: ed, PS256: ps }[alg]!;
      const f = fixture([rs, es, ed, ps]);
      const token = await sign(key);
      const d = await verifyAccessToken(token, f.target);
      expect(d.failed).toBeUndefined();
      expect(d.verdict).toBe("accept");
      expect(d.httpStatus).toBe(200);
      expect(d.signatureVerified).toBe(true);
      expect(d.subject).toBe("user-1");
      expect(d.clientId).toBe("client-a");
      expect(d.scopes).toEqual(["read", "write"]);
      expect(d.expiresAt).toBe(NOW_S + 300);
      expect(d.fingerprint).toMatch(/^[0-9a-f]{12}$/);
      expect(JSON.stringify(d)).not.toContain(token);
      expect(d.checks.map((c) => c.id)).toEqual([...checkIds]);
      expect(d.checks.every((c) => c.status === "pass")).toBe(true);
    },
  );

  it("shows where the matched audience came from", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs), f.target);
    expect(check(d, "aud").message).toBe(`aud ${RESOURCE} is the public URL ${RESOURCE} of server fetcher`);
    expect(check(d, "aud").expected).toEqual([
      { value: RESOURCE, source: "public_url", detail: `public URL ${RESOURCE} of server fetcher` },
    ]);
  });

  it("accepts typ JWT, application/at+jwt and no typ", async () => {
    const f = fixture([rs]);
    for (const typ of ["JWT", "application/at+jwt", undefined]) {
      const d = await verifyAccessToken(await sign(rs, baseClaims(), { typ }), f.target);
      expect(d.verdict, String(typ)).toBe("accept");
    }
  });

  it("reads scopes from scp arrays and strings", async () => {
    const f = fixture([rs], { server: { requiredScopes: ["files.read"] } });
    const arr = await verifyAccessToken(
      await sign(rs, baseClaims({ scope: undefined, scp: ["files.read", "x"] })),
      f.target,
    );
    expect(arr.verdict).toBe("accept");
    const str = await verifyAccessToken(
      await sign(rs, baseClaims({ scope: undefined, scp: "files.read y" })),
      f.target,
    );
    expect(str.scopes).toEqual(["files.read", "y"]);
  });

  it("tolerates exp within the clock skew", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ exp: NOW_S - 30 })), f.target);
    expect(d.verdict).toBe("accept");
  });

  it("warns but accepts a token without kid when the JWKS has several keys", async () => {
    const f = fixture([es, rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims(), { kid: undefined }), f.target);
    expect(d.verdict).toBe("accept");
    expect(check(d, "kid")).toMatchObject({ status: "warn", code: "kid_missing" });
  });
});

describe("verifyAccessToken: header attacks are rejected without any key fetch", () => {
  it("rejects alg none", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(craft({ alg: "none", typ: "JWT" }, baseClaims()), f.target);
    expect(d.failed).toMatchObject({ id: "alg", code: "alg_none" });
    expect(d.httpStatus).toBe(401);
    expect(d.oauthError).toBe("invalid_token");
    expect(f.fetches()).toBe(0);
    expect(check(d, "key").status).toBe("skip");
    expect(check(d, "signature").status).toBe("skip");
  });

  it("rejects HS256 signed with the provider's public key material", async () => {
    const f = fixture([rs]);
    const token = craft({ alg: "HS256", kid: rs.kid }, baseClaims(), JSON.stringify(rs.jwk));
    const d = await verifyAccessToken(token, f.target);
    expect(d.failed).toMatchObject({ code: "alg_hmac" });
    expect(f.fetches()).toBe(0);
  });

  it("rejects an embedded jwk header", async () => {
    const f = fixture([rs]);
    const attacker = await makeKey("RS256", "evil");
    const d = await verifyAccessToken(await sign(attacker, baseClaims(), { jwk: attacker.jwk }), f.target);
    expect(d.failed).toMatchObject({ id: "header_keys", code: "header_jwk_embedded" });
    expect(f.fetches()).toBe(0);
  });

  it("rejects an x5c header as embedded key material", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims(), { x5c: ["MIIB"] }), f.target);
    expect(d.failed?.code).toBe("header_jwk_embedded");
  });

  it.each([
    ["jku", "https://attacker.example/jwks.json"],
    ["x5u", "https://attacker.example/cert.pem"],
  ])("rejects a %s header and never fetches it", async (member, url) => {
    let fetched = false;
    const orig = globalThis.fetch;
    globalThis.fetch = (async () => ((fetched = true), new Response("{}"))) as typeof fetch;
    try {
      const f = fixture([rs]);
      const d = await verifyAccessToken(await sign(rs, baseClaims(), { [member]: url }), f.target);
      expect(d.failed).toMatchObject({ code: "header_jku_x5u", actual: [url] });
      expect(check(d, "key").status).toBe("skip");
      expect(f.fetches()).toBe(0);
      expect(fetched).toBe(false);
    } finally {
      globalThis.fetch = orig;
    }
  });

  it("rejects an asymmetric alg outside the provider's allowlist and offers to allow it", async () => {
    const f = fixture([rs, es], { provider: { algorithms: ["RS256"] } });
    const d = await verifyAccessToken(await sign(es), f.target);
    expect(d.failed).toMatchObject({ code: "alg_not_allowed", expected: ["RS256"], actual: "ES256" });
    expect(d.failed?.fix?.patch).toEqual({ entity: "provider", name: "kc", append: { algorithms: "ES256" } });
  });

  it("still shows the claim checks, marked unverified", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(craft({ alg: "none" }, baseClaims({ aud: "other" })), f.target);
    expect(check(d, "aud")).toMatchObject({ status: "fail", code: "aud_mismatch", unverified: true });
    expect(check(d, "iss")).toMatchObject({ status: "pass", unverified: true });
    expect(d.failed?.code).toBe("alg_none");
  });
});

describe("verifyAccessToken: keys and signatures", () => {
  it("rejects an unknown kid after exactly one refetch", async () => {
    const f = fixture([rs]);
    await verifyAccessToken(await sign(rs), f.target); // warm
    expect(f.fetches()).toBe(1);
    f.setNow(NOW_S + 31); // past the cooldown
    const stranger = await makeKey("RS256", "unknown-kid");
    const d = await verifyAccessToken(await sign(stranger), f.target);
    expect(d.failed).toMatchObject({ id: "key", code: "key_not_found", expected: "unknown-kid", actual: ["rs-1"] });
    expect(d.failed?.message).toContain("even after refetching");
    expect(f.fetches()).toBe(2);
    const again = await verifyAccessToken(await sign(stranger), f.target);
    expect(again.failed?.code).toBe("key_not_found");
    expect(f.fetches()).toBe(2); // within the cooldown: no further fetch
  });

  it("accepts a token signed by a rotated-in key after the refetch", async () => {
    const f = fixture([rs]);
    await verifyAccessToken(await sign(rs), f.target);
    f.setNow(NOW_S + 40);
    f.setJwks([rs.jwk, es.jwk]);
    const d = await verifyAccessToken(await sign(es, baseClaims({ exp: NOW_S + 600 })), f.target);
    expect(d.verdict).toBe("accept");
  });

  it("rejects a wrong signature (another key under the same kid)", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(other), f.target);
    expect(d.failed).toMatchObject({ id: "signature", code: "signature_invalid" });
    expect(d.signatureVerified).toBe(false);
    expect(check(d, "aud").unverified).toBe(true);
  });

  it("rejects a tampered payload", async () => {
    const f = fixture([rs]);
    const [h, , s] = (await sign(rs)).split(".");
    const d = await verifyAccessToken(`${h}.${b64(baseClaims({ sub: "admin" }))}.${s}`, f.target);
    expect(d.failed?.code).toBe("signature_invalid");
  });

  it("accepts one spelling of a signature only: a stray character or trailing bits are malformed", async () => {
    // A 132-byte ES512 signature is 176 base64url characters, a multiple of 4: a lenient decoder drops a 177th.
    const es512 = await (async () => {
      const { privateKey, publicKey } = await generateKeyPair("ES512", { extractable: true });
      return {
        alg: "ES512",
        kid: "es512",
        privateKey,
        jwk: { ...(await exportJWK(publicKey)), kid: "es512", alg: "ES512", use: "sig" },
      };
    })();
    const f = fixture([rs, es512]);
    const good = await sign(es512);
    expect((await verifyAccessToken(good, f.target)).verdict).toBe("accept");
    for (const extra of ["A", "B", "_"]) {
      const d = await verifyAccessToken(good + extra, f.target);
      expect(d.failed, extra).toMatchObject({
        id: "format",
        code: "token_malformed",
        message: "the token is not a valid JWT: the signature is not canonical base64url",
      });
    }
    // RS256 with 2048-bit keys: 342 characters, the last one carrying 2 unused bits.
    const rsToken = await sign(rs);
    const last = rsToken.at(-1)!;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    const sibling = alphabet[alphabet.indexOf(last) ^ 1];
    const d = await verifyAccessToken(rsToken.slice(0, -1) + sibling, f.target);
    expect(d.failed).toMatchObject({ id: "format", code: "token_malformed" });
  });

  it("refuses any crit header, whatever its value, without looking up a key", async () => {
    const f = fixture([rs]);
    for (const crit of [null, 0, "", ["exp"], ["x-custom"]]) {
      const d = await verifyAccessToken(
        await signRaw(rs, { alg: "RS256", kid: "rs-1", crit, "x-custom": 1 }),
        f.target,
      );
      expect(d.failed, JSON.stringify(crit)).toMatchObject({ id: "header_keys", code: "header_crit" });
      expect(check(d, "key").status).toBe("skip");
    }
    expect(f.fetches()).toBe(0);
  });

  it("refuses a header that is not valid UTF-8", async () => {
    const f = fixture([rs]);
    const header = Buffer.concat([
      Buffer.from('{"alg":"RS256","kid":"rs-1","x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]).toString("base64url");
    const d = await verifyAccessToken(await signRaw(rs, header), f.target);
    expect(d.failed).toMatchObject({ id: "format", code: "token_malformed" });
  });

  it("reports a kid whose key type cannot verify the alg", async () => {
    const f = fixture([es]);
    const d = await verifyAccessToken(await sign(rs, baseClaims(), { kid: "es-1" }), f.target);
    expect(d.failed?.code).toBe("key_not_found");
    expect(d.failed?.message).toContain("cannot verify RS256");
  });

  it("fails closed when the JWKS cannot be fetched", async () => {
    const f = fixture([rs], {
      cache: {
        fetcher: async () => {
          throw new Error("connect ECONNREFUSED");
        },
      },
    });
    const d = await verifyAccessToken(await sign(rs), f.target);
    expect(d.failed).toMatchObject({ id: "key", code: "jwks_unavailable" });
    expect(d.failed?.message).toContain("ECONNREFUSED");
    expect(d.keySource.lastError?.message).toContain("ECONNREFUSED");
    expect(check(d, "signature").status).toBe("skip");
    expect(check(d, "exp")).toMatchObject({ status: "pass", unverified: true });
  });
});

describe("verifyAccessToken: cold start", () => {
  it("a cold burst of distinct tokens causes exactly one JWKS fetch", async () => {
    const f = fixture([rs, es]);
    const tokens = await Promise.all(
      Array.from({ length: 100 }, (_, i) => sign(i % 2 ? rs : es, baseClaims({ sub: `u${i}` }))),
    );
    const ds = await Promise.all(tokens.map((t) => verifyAccessToken(t, f.target)));
    expect(ds.every((d) => d.verdict === "accept")).toBe(true);
    expect(f.fetches()).toBe(1);
  });
});

describe("verifyAccessToken: issuer", () => {
  it("rejects a wrong iss with a trailing-slash hint and a fix", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ iss: ISSUER + "/" })), f.target);
    expect(d.failed).toMatchObject({ id: "iss", code: "iss_mismatch", expected: ISSUER, actual: ISSUER + "/" });
    expect(d.failed?.hint).toContain("trailing slash");
    expect(d.failed?.fix?.patch).toEqual({ entity: "provider", name: "kc", set: { issuer: ISSUER + "/" } });
  });

  it("hints at a scheme difference", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ iss: ISSUER.replace("https:", "http:") })), f.target);
    expect(d.failed?.hint).toContain("http/https");
    expect(d.failed?.fix).toBeDefined();
  });

  it("hints at a host difference without offering a fix", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(
      await sign(rs, baseClaims({ iss: "http://localhost:8080/realms/mcp" })),
      f.target,
    );
    expect(d.failed?.code).toBe("iss_mismatch");
    expect(d.failed?.hint).toContain("different host");
    expect(d.failed?.fix).toBeUndefined();
  });

  it("rejects a token from another issuer", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ iss: "https://evil.example/" })), f.target);
    expect(d.failed).toMatchObject({ code: "iss_mismatch" });
    expect(d.failed?.fix).toBeUndefined();
  });
});

describe("verifyAccessToken: audience", () => {
  it("rejects a token whose aud is the client id unless includeClientIdInAudience is on", async () => {
    const off = fixture([rs]);
    const token = await sign(rs, baseClaims({ aud: CLIENT_ID }));
    const d = await verifyAccessToken(token, off.target);
    expect(d.failed).toMatchObject({ id: "aud", code: "aud_is_client_id", actual: CLIENT_ID });
    expect(d.failed?.fix).toEqual({
      label: "Turn on include client id in audience for server fetcher",
      patch: { entity: "server", name: "fetcher", set: { "oauth.includeClientIdInAudience": true } },
    });
    const on = fixture([rs], { server: { includeClientIdInAudience: true } });
    const ok = await verifyAccessToken(token, on.target);
    expect(ok.verdict).toBe("accept");
    expect(ok.checks.find((c) => c.id === "aud")?.message).toContain("client id of provider kc");
  });

  it("applies the client-id fix to a server config", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: CLIENT_ID })), f.target);
    const server = {
      name: "fetcher",
      upstream: "http://x",
      oauth: { provider: "kc", includeClientIdInAudience: false },
    };
    const patched = applyFixPatch(server, d.failed!.fix!.patch);
    expect(patched.oauth.includeClientIdInAudience).toBe(true);
    expect(server.oauth.includeClientIdInAudience).toBe(false);
  });

  it("offers to accept a trailing-slash variant of the resource URL", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: RESOURCE + "/" })), f.target);
    expect(d.failed).toMatchObject({ code: "aud_mismatch" });
    expect(d.failed?.hint).toContain("trailing slash");
    expect(d.failed?.fix?.patch).toEqual({
      entity: "server",
      name: "fetcher",
      append: { "oauth.audiences": RESOURCE + "/" },
    });
    const patched = applyFixPatch({ oauth: { audiences: ["a"] } }, d.failed!.fix!.patch);
    expect(patched.oauth.audiences).toEqual(["a", RESOURCE + "/"]);
  });

  it("hints at an http/https difference and at the bare origin", async () => {
    const f = fixture([rs]);
    const http = await verifyAccessToken(
      await sign(rs, baseClaims({ aud: RESOURCE.replace("https:", "http:") })),
      f.target,
    );
    expect(http.failed?.hint).toContain("PUBLIC_URL");
    const origin = await verifyAccessToken(await sign(rs, baseClaims({ aud: "https://mcp.example.com" })), f.target);
    expect(origin.failed?.hint).toContain("gateway's origin");
  });

  it("rejects a foreign audience with a hint and no fix", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(
      await sign(rs, baseClaims({ aud: ["https://api.other.example", "account"] })),
      f.target,
    );
    expect(d.failed).toMatchObject({ code: "aud_mismatch", actual: ["https://api.other.example", "account"] });
    expect(d.failed?.fix).toBeUndefined();
  });

  it("accepts when one of several aud values matches, including configured audiences", async () => {
    const f = fixture([rs], { server: { audiences: ["api://fetcher"] } });
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: ["account", "api://fetcher"] })), f.target);
    expect(d.verdict).toBe("accept");
    expect(d.checks.find((c) => c.id === "aud")?.message).toContain("audience configured for server fetcher");
  });

  it("rejects a token without aud", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: undefined })), f.target);
    expect(d.failed?.code).toBe("aud_missing");
  });
});

describe("verifyAccessToken: time claims", () => {
  it("rejects a token without exp", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ exp: undefined })), f.target);
    expect(d.failed).toMatchObject({ id: "exp", code: "exp_missing" });
  });

  it("rejects an expired token beyond the skew", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ exp: NOW_S - 61 })), f.target);
    expect(d.failed).toMatchObject({ code: "expired" });
    expect(d.errorDescription).toBe("The access token expired");
  });

  it("rejects a token whose nbf is in the future", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ nbf: NOW_S + 120 })), f.target);
    expect(d.failed).toMatchObject({ id: "nbf", code: "not_yet_valid" });
  });

  it("rejects a token issued in the future", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims({ iat: NOW_S + 3600 })), f.target);
    expect(d.failed).toMatchObject({ id: "iat", code: "iat_in_future" });
  });
});

describe("verifyAccessToken: token type", () => {
  it("rejects an ID token (nonce / at_hash)", async () => {
    const f = fixture([rs]);
    for (const extra of [{ nonce: "n-1" }, { at_hash: "abc" }]) {
      const d = await verifyAccessToken(await sign(rs, baseClaims(extra), { typ: "JWT" }), f.target);
      expect(d.failed).toMatchObject({
        id: "token_kind",
        code: "id_token",
        message: "this is an ID token, not an access token",
      });
      expect(d.httpStatus).toBe(401);
    }
  });

  it("accepts a Keycloak access token that carries a nonce (typ claim Bearer)", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(
      await sign(rs, baseClaims({ nonce: "n", typ: "Bearer" }), { typ: "JWT" }),
      f.target,
    );
    expect(d.verdict).toBe("accept");
  });

  it("only warns when a token merely looks like an ID token (aud = client id, auth_time, no scope)", async () => {
    const f = fixture([rs], { server: { includeClientIdInAudience: true } });
    const d = await verifyAccessToken(
      await sign(rs, baseClaims({ aud: CLIENT_ID, auth_time: NOW_S - 5, scope: undefined }), { typ: "JWT" }),
      f.target,
    );
    expect(d.verdict).toBe("accept");
    expect(check(d, "token_kind")).toMatchObject({ status: "warn", code: "id_token_suspected" });
  });

  it("rejects a JWT of another type (typ logout+jwt)", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(await sign(rs, baseClaims(), { typ: "logout+jwt" }), f.target);
    expect(d.failed).toMatchObject({ id: "typ", code: "typ_invalid" });
  });
});

describe("verifyAccessToken: scopes", () => {
  it("answers missing scopes with 403 insufficient_scope", async () => {
    const f = fixture([rs], { server: { requiredScopes: ["read", "admin"] } });
    const d = await verifyAccessToken(await sign(rs), f.target);
    expect(d).toMatchObject({ verdict: "reject", httpStatus: 403, oauthError: "insufficient_scope" });
    expect(d.failed).toMatchObject({
      id: "scope",
      code: "scope_missing",
      expected: ["read", "admin"],
      actual: ["read", "write"],
    });
    expect(d.failed?.message).toBe("missing required scope: admin");
  });

  it("answers 401, not 403, when another check fails too", async () => {
    const f = fixture([rs], { server: { requiredScopes: ["admin"] } });
    const d = await verifyAccessToken(await sign(rs, baseClaims({ aud: "x" })), f.target);
    expect(d.httpStatus).toBe(401);
  });
});

describe("verifyAccessToken: malformed input", () => {
  it.each([
    ["garbage", "not-a-jwt", "token_malformed"],
    ["two parts", "abc.def", "token_malformed"],
    ["non-JSON header", `${b64("nope")}.${b64({})}.sig`, "token_malformed"],
    ["bad base64url", "a$b.c.d", "token_malformed"],
    ["empty", "", "token_malformed"],
    ["JWE", `${b64({ alg: "RSA-OAEP", enc: "A256GCM" })}.a.b.c.d`, "token_encrypted"],
  ])("rejects %s", async (_name, token, code) => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(token, f.target);
    expect(d.failed).toMatchObject({ id: "format", code });
    expect(d.checks.slice(1).every((c) => c.status === "skip")).toBe(true);
    expect(d.httpStatus).toBe(401);
    expect(f.fetches()).toBe(0);
  });

  it("names JWE clearly", async () => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(`${b64({ alg: "dir", enc: "A256GCM" })}.a.b.c.d`, f.target);
    expect(d.failed?.message).toContain("encrypted token (JWE)");
  });

  it("keeps every error_description header-safe", async () => {
    const f = fixture([rs], { server: { requiredScopes: ["x"] } });
    const tokens = [
      "x",
      craft({ alg: "none" }, baseClaims()),
      await sign(other),
      await sign(rs, baseClaims({ aud: 'a"b\\' })),
      await sign(rs),
    ];
    for (const t of tokens) {
      const d = await verifyAccessToken(t, f.target);
      expect(d.errorDescription).toMatch(/^[\x20\x21\x23-\x5B\x5D-\x7E]+$/);
    }
  });
});

describe("verifyAccessToken: header and size edge cases", () => {
  it.each(["None", "nOnE", "NONE"])("rejects alg %s as unsigned, without any key lookup", async (alg) => {
    const f = fixture([rs]);
    const d = await verifyAccessToken(craft({ alg, typ: "at+jwt", kid: rs.kid }, baseClaims()), f.target);
    expect(d.failed).toMatchObject({ id: "alg", code: "alg_none", actual: alg });
    expect(check(d, "key").status).toBe("skip");
    expect(f.fetches()).toBe(0);
  });

  it("rejects a 4-segment token as malformed, even when its first three segments verify", async () => {
    const f = fixture([rs]);
    const good = await sign(rs);
    expect((await verifyAccessToken(good, f.target)).verdict).toBe("accept");
    const d = await verifyAccessToken(`${good}.${b64({ extra: true })}`, f.target);
    expect(d.failed).toMatchObject({
      id: "format",
      code: "token_malformed",
      message: "the token is not a valid JWT: a JWT has 3 dot-separated parts, this token has 4",
    });
    expect(d.checks.slice(1).every((c) => c.status === "skip")).toBe(true);
  });

  it("rejects a token over 16 KiB before splitting or decoding it: bounded CPU whatever its content", async () => {
    const f = fixture([rs]);
    const over = "e30.".repeat(MAX_TOKEN_LENGTH / 4) + "x";
    const d = await verifyAccessToken(over, f.target);
    expect(d.failed).toMatchObject({ id: "format", code: "token_malformed" });
    expect(d.failed?.message).toContain(`is ${MAX_TOKEN_LENGTH + 1} characters long (limit ${MAX_TOKEN_LENGTH})`);
    expect(f.fetches()).toBe(0);
    // 8 MiB of 2 million dot-separated segments: splitting and decoding them would take tens of milliseconds each.
    const huge = "e30.".repeat(2 * 1024 * 1024);
    const t0 = process.cpuUsage();
    for (let i = 0; i < 100; i++) expect(decodeJws(huge).ok).toBe(false);
    const used = process.cpuUsage(t0);
    expect((used.user + used.system) / 1000).toBeLessThan(100);
  });
});

describe("verifyAccessToken: duplicate kids in the JWKS", () => {
  it("tries every key under a duplicated kid: each signs validly, a third key under it does not", async () => {
    const [a, b, stranger] = await Promise.all([
      makeKey("RS256", "dup"),
      makeKey("RS256", "dup"),
      makeKey("RS256", "dup"),
    ]);
    const f = fixture([a, b]);
    for (const key of [a, b]) {
      const d = await verifyAccessToken(await sign(key), f.target);
      expect(d.verdict).toBe("accept");
      expect(d.signatureVerified).toBe(true);
    }
    const d = await verifyAccessToken(await sign(stranger), f.target);
    expect(d.failed).toMatchObject({ id: "signature", code: "signature_invalid" });
    expect(f.fetches()).toBe(1);
  });
});

describe("verifyAccessToken: event tokens are not access tokens", () => {
  const LOGOUT = "http://schemas.openid.net/event/backchannel-logout";

  it("rejects an OIDC back-channel logout token that has no typ header, by its events claim", async () => {
    const f = fixture([rs]);
    const claims = baseClaims({ jti: "l-1", sid: "s-1", events: { [LOGOUT]: {} }, scope: undefined });
    const d = await verifyAccessToken(await sign(rs, claims, { typ: undefined }), f.target);
    expect(d.signatureVerified).toBe(true);
    expect(d.failed).toMatchObject({
      id: "token_kind",
      code: "event_token",
      message: "this is a logout token (OpenID Connect back-channel logout), not an access token",
    });
    expect(d).toMatchObject({ verdict: "reject", httpStatus: 401, oauthError: "invalid_token" });
    expect(d.errorDescription).toBe("A logout or security event token is not an access token");
  });

  it("rejects a security event token (RFC 8417) that has no typ header", async () => {
    const f = fixture([rs]);
    const events = { "https://schemas.openid.net/secevent/risc/event-type/account-disabled": { reason: "hijacking" } };
    const d = await verifyAccessToken(await sign(rs, baseClaims({ events }), { typ: "JWT" }), f.target);
    expect(d.failed).toMatchObject({
      id: "token_kind",
      code: "event_token",
      message: "this is a security event token (RFC 8417), not an access token",
    });
  });

  it("rejects them even when they claim typ at+jwt, and leaves an unrelated events claim alone", async () => {
    const f = fixture([rs]);
    const logout = await sign(rs, baseClaims({ events: { [LOGOUT]: {} } }), { typ: "at+jwt" });
    expect((await verifyAccessToken(logout, f.target)).failed?.code).toBe("event_token");
    for (const events of [["login", "logout"], "none", { count: 3 }]) {
      const d = await verifyAccessToken(await sign(rs, baseClaims({ events })), f.target);
      expect(d.verdict, JSON.stringify(events)).toBe("accept");
    }
  });
});

describe("verifyAccessToken: provider requireAtJwt (RFC 9068)", () => {
  it("accepts only typ at+jwt, and says how to fix the rest", async () => {
    const f = fixture([rs], { provider: { requireAtJwt: true } });
    for (const typ of ["at+jwt", "application/at+jwt", "AT+JWT"])
      expect((await verifyAccessToken(await sign(rs, baseClaims(), { typ }), f.target)).verdict, typ).toBe("accept");
    for (const typ of ["JWT", undefined]) {
      const d = await verifyAccessToken(await sign(rs, baseClaims(), { typ }), f.target);
      expect(d.failed, String(typ)).toMatchObject({
        id: "typ",
        code: "typ_not_at_jwt",
        expected: ["at+jwt", "application/at+jwt"],
        actual: typ ?? null,
      });
      expect(d.failed?.message).toBe(`${typ ? 'typ "JWT"' : "no typ header"}, but provider kc requires at+jwt`);
      expect(d.failed?.hint).toContain("requireAtJwt");
      expect(d.errorDescription).toBe("The token type must be at+jwt");
    }
    const lenient = fixture([rs]);
    expect((await verifyAccessToken(await sign(rs, baseClaims(), { typ: "JWT" }), lenient.target)).verdict).toBe(
      "accept",
    );
  });
});

describe("verifyAccessToken: fixes only for what the IdP signed", () => {
  it("offers no fix computed from claims whose signature did not verify", async () => {
    const f = fixture([rs], { server: { includeClientIdInAudience: false } });
    const forged = [
      await sign(other, baseClaims({ iss: `${ISSUER}/` })), // wrong key under the provider's kid
      await sign(other, baseClaims({ aud: CLIENT_ID })),
      await sign(await makeKey("RS256", "unknown"), baseClaims({ aud: `${RESOURCE}/` })),
      craft({ alg: "none" }, baseClaims({ iss: `${ISSUER}/` })),
    ];
    for (const token of forged) {
      const d = await verifyAccessToken(token, f.target);
      expect(d.signatureVerified).toBe(false);
      expect(d.checks.filter((c) => c.fix)).toEqual([]);
      expect(d.checks.some((c) => c.status === "fail" && c.unverified && c.hint)).toBe(true);
    }
    // The same claims, signed by the provider's key, get their fixes.
    for (const claims of [{ iss: `${ISSUER}/` }, { aud: CLIENT_ID }, { aud: `${RESOURCE}/` }]) {
      const d = await verifyAccessToken(await sign(rs, baseClaims(claims)), f.target);
      expect(d.signatureVerified, JSON.stringify(claims)).toBe(true);
      expect(d.failed?.fix, JSON.stringify(claims)).toBeDefined();
    }
  });

  it("offers to allow an algorithm only when the provider's key verifies the token with it", async () => {
    const f = fixture([rs, es], { provider: { algorithms: ["RS256"] } });
    const genuine = await verifyAccessToken(await sign(es), f.target);
    expect(genuine).toMatchObject({ verdict: "reject", signatureVerified: true });
    expect(genuine.failed).toMatchObject({ code: "alg_not_allowed", fix: { label: "Allow ES256 for provider kc" } });
    const attacker = await makeKey("ES256", "es-1");
    const forged = await verifyAccessToken(await sign(attacker), f.target);
    expect(forged).toMatchObject({ verdict: "reject", signatureVerified: false });
    expect(forged.failed?.code).toBe("alg_not_allowed");
    expect(forged.failed?.fix).toBeUndefined();
    expect(check(forged, "signature")).toMatchObject({ status: "fail", code: "signature_invalid" });
  });
});
