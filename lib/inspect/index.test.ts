import { describe, expect, it } from "vitest";
import type { Runtime } from "../runtime/types";
import type { RuntimeServer } from "../config/model";
import type { Check, Diagnosis } from "../tokens/types";
import { b64 } from "../../test/support/token-kit";
import { formatDiagnosis, inspectToken, pickServer } from "./index";

const server = (name: string, publicUrls: string[] = []) =>
  ({ name, auth: "oauth", oauth: { provider: "kc", audiences: [] }, publicUrls }) as unknown as RuntimeServer;

function runtime(opts: { servers?: RuntimeServer[]; publicUrl?: string; diagnosis?: Partial<Diagnosis> } = {}) {
  const servers = new Map((opts.servers ?? [server("a"), server("b")]).map((s) => [s.name, s]));
  return {
    env: { PUBLIC_URL: opts.publicUrl },
    config: { current: () => ({ servers, providers: new Map([["kc", { name: "kc", issuer: "https://idp" }]]) }) },
    tokens: {
      expectedAudiences: () => [],
      verifyForServer: async (name: string) => ({ server: name, provider: "kc", fingerprint: "f", ...opts.diagnosis }),
    },
  } as unknown as Runtime;
}

const jwt = (claims: Record<string, unknown>) => `${b64({ alg: "RS256" })}.${b64(claims)}.c2ln`;
const failing = (id: Check["id"]): Check => ({ id, status: "fail", code: "aud_mismatch", message: `${id} fails` });

describe("inspector", () => {
  it("says a token is not a JWT before asking to pick a server", () => {
    const pick = () => pickServer(runtime(), "opaque-token-value", () => []);
    expect(pick).toThrow("the token is not a valid JWT: the token is opaque (not a JWT)");
    try {
      pick();
    } catch (e) {
      expect((e as { fields: { path: string }[] }).fields[0].path).toBe("token");
    }
    // A JWT from an unknown issuer, with two servers: now the server is what is missing.
    expect(() => pickServer(runtime(), jwt({ iss: "https://other" }), () => [])).toThrow("pick a server");
  });

  it("calls the verdict undetermined when only the audience fails and the resource URL is unknown", async () => {
    const d = {
      verdict: "reject" as const,
      checks: [failing("aud")],
      claims: { aud: "http://127.0.0.1:3000/servers/a/mcp" },
    };
    const unknown = await inspectToken(runtime({ diagnosis: d }), { token: "x.y.z", server: "a" });
    expect(unknown.resourceUrlUnknown).toMatch(/^server a has no public URL and PUBLIC_URL is unset/);
    expect(unknown.undetermined).toMatch(/pass --url \(e\.g\. --url http:\/\/127\.0\.0\.1:3000\)/);
    expect(formatDiagnosis(unknown)).toMatch(/^UNDETERMINED: /m);

    const known = await inspectToken(runtime({ diagnosis: d }), {
      token: "x.y.z",
      server: "a",
      requestBase: new URL("http://127.0.0.1:3000"),
    });
    expect(known.resourceUrlUnknown).toBeUndefined();
    expect(known.undetermined).toBeUndefined();
    const viaEnv = await inspectToken(runtime({ diagnosis: d, publicUrl: "https://gw" }), { token: "x", server: "a" });
    expect(viaEnv.undetermined).toBeUndefined();

    // Another failing check decides on its own: rejected, whatever the resource URL.
    const expired = { ...d, checks: [failing("aud"), failing("exp")] };
    expect((await inspectToken(runtime({ diagnosis: expired }), { token: "x", server: "a" })).undetermined).toBe(
      undefined,
    );
  });
});
