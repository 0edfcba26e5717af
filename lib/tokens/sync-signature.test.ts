import { generateKeyPairSync, sign as nodeSign } from "node:crypto";
import { compactVerify, CompactSign, exportJWK, generateKeyPair, importJWK } from "jose";
import { describe, expect, it } from "vitest";
import { b64 } from "../../test/support/token-kit";
import { syncVerifier } from "./sync-signature";

type Pair = { alg: string; privateKey: CryptoKey; publicKey: CryptoKey };

/** A key pair as the gateway holds it: the public half imported by jose from its JWK for `alg`. */
async function pair(alg: string, other: Record<string, unknown> = {}): Promise<Pair> {
  const kp = await generateKeyPair(alg, { extractable: true, ...other });
  return {
    alg,
    privateKey: kp.privateKey,
    publicKey: (await importJWK(await exportJWK(kp.publicKey), alg)) as CryptoKey,
  };
}

const signWith = (p: Pair, payload: object = { sub: "u" }, header: Record<string, unknown> = {}) =>
  new CompactSign(Buffer.from(JSON.stringify(payload)))
    .setProtectedHeader({ alg: p.alg, ...header })
    .sign(p.privateKey);

/** Both verifiers' answers for one token: "ok" or "fail". */
async function both(p: Pair, token: string, key = p.publicKey) {
  const sync = syncVerifier(key, p.alg)!;
  const viaSync = (() => {
    try {
      sync(token);
      return "ok";
    } catch {
      return "fail";
    }
  })();
  const viaJose = await compactVerify(token, key, { algorithms: [p.alg] }).then(
    () => "ok",
    () => "fail",
  );
  return { viaSync, viaJose };
}

const FAST = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"] as const;

describe("syncVerifier agrees with jose on every alg it takes", () => {
  it.each(FAST)("%s: a valid signature passes, an altered one fails, another key's fails", async (alg) => {
    const p = await pair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : {});
    const q = await pair(alg, alg === "EdDSA" ? { crv: "Ed25519" } : {});
    expect(syncVerifier(p.publicKey, alg)).toBeTypeOf("function");

    const token = await signWith(p);
    expect(await both(p, token)).toEqual({ viaSync: "ok", viaJose: "ok" });

    const [h, , s] = token.split(".");
    expect(await both(p, `${h}.${b64({ sub: "admin" })}.${s}`)).toEqual({ viaSync: "fail", viaJose: "fail" });
    expect(await both(p, await signWith(q))).toEqual({ viaSync: "fail", viaJose: "fail" });
    expect(await both(p, `${h}.${token.split(".")[1]}.`)).toEqual({ viaSync: "fail", viaJose: "fail" });
  });

  it("refuses an ECDSA signature in DER form (JWS wants r||s), like jose", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const key = (await importJWK(publicKey.export({ format: "jwk" }), "ES256")) as CryptoKey;
    const input = `${b64({ alg: "ES256" })}.${b64({ sub: "u" })}`;
    const der = nodeSign("sha256", Buffer.from(input), privateKey).toString("base64url");
    const p1363 = nodeSign("sha256", Buffer.from(input), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString(
      "base64url",
    );
    const p = { alg: "ES256", privateKey: undefined as unknown as CryptoKey, publicKey: key };
    expect(await both(p, `${input}.${p1363}`)).toEqual({ viaSync: "ok", viaJose: "ok" });
    expect(await both(p, `${input}.${der}`)).toEqual({ viaSync: "fail", viaJose: "fail" });
  });

  it("takes a key only for the alg it was imported for, and jose refuses the others too", async () => {
    const es = await pair("ES256");
    const rs = await pair("RS256");
    const [, payload, sig] = (await signWith(es)).split(".");
    for (const [p, alg] of [
      [es, "ES384"],
      [rs, "PS256"],
      [rs, "RS512"],
      [rs, "ES256"],
    ] as const) {
      expect(syncVerifier(p.publicKey, alg), `${p.alg} key, ${alg}`).toBeUndefined();
      const token = `${b64({ alg })}.${payload}.${sig}`;
      await expect(compactVerify(token, p.publicKey, { algorithms: [alg] }), `${p.alg} key, ${alg}`).rejects.toThrow();
    }
  });

  it("refuses a critical header extension it does not understand, like jose", async () => {
    // jose will not sign one, so node:crypto does.
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const key = (await importJWK(publicKey.export({ format: "jwk" }), "RS256")) as CryptoKey;
    const input = `${b64({ alg: "RS256", crit: ["x-portcullis-test"], "x-portcullis-test": 1 })}.${b64({ sub: "u" })}`;
    const token = `${input}.${nodeSign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    const p = { alg: "RS256", privateKey: undefined as unknown as CryptoKey, publicKey: key };
    expect(await both(p, token)).toEqual({ viaSync: "fail", viaJose: "fail" });
    // The same signing input without crit verifies: the refusal is the extension, not the signature.
    const plain = `${b64({ alg: "RS256" })}.${b64({ sub: "u" })}`;
    expect(
      await both(p, `${plain}.${nodeSign("sha256", Buffer.from(plain), privateKey).toString("base64url")}`),
    ).toEqual({ viaSync: "ok", viaJose: "ok" });
  });
});

describe("syncVerifier leaves the rest to jose", () => {
  it("does not take the fully specified Ed25519 alg", async () => {
    const p = await pair("Ed25519");
    expect(syncVerifier(p.publicKey, "Ed25519")).toBeUndefined();
  });

  it("does not take RSA keys under 2048 bits, which jose refuses", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    const key = (await importJWK(publicKey.export({ format: "jwk" }), "RS256")) as CryptoKey;
    expect(syncVerifier(key, "RS256")).toBeUndefined();
    const input = `${b64({ alg: "RS256" })}.${b64({ sub: "u" })}`;
    const token = `${input}.${nodeSign("sha256", Buffer.from(input), privateKey).toString("base64url")}`;
    await expect(compactVerify(token, key, { algorithms: ["RS256"] })).rejects.toThrow(/2048/);
  });

  it("reuses one verifier per key and alg", async () => {
    const p = await pair("RS256");
    expect(syncVerifier(p.publicKey, "RS256")).toBeTypeOf("function");
    expect(syncVerifier(p.publicKey, "RS256")).toBe(syncVerifier(p.publicKey, "RS256"));
  });
});
