// Per-client rate limits behind a load balancer: with TRUSTED_PROXIES, the DCR and sign-in limits are
// per client address (X-Forwarded-For, read right to left), so one noisy client does not lock out the
// others; without it, X-Forwarded-For is ignored and a client cannot pick a fresh bucket per request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { sendUntilRefused, startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";
import { REGISTRATION_LIMIT, SIGN_IN_LIMIT } from "../lib/admin/rate-limit";
import { facadeConfig } from "./oauth-helpers";

autoCleanup();

const PASSWORD = "correct-horse-battery";

describe("rate limits are per client behind trusted proxies", () => {
  let idp: Idp;
  let behindProxy: Gateway;
  let direct: Gateway;

  beforeAll(async () => {
    const upstream = await startMcpServer();
    idp = await startIdp({ shape: "standard" });
    // A pre-registered upstream client: registering at the facade makes no call to the IdP.
    const config = facadeConfig(
      { name: "std", kind: "generic", issuer: idp.issuer, clientId: "gateway", clientSecret: "gateway-secret" },
      { upstream: upstream.url },
    );
    [behindProxy, direct] = await Promise.all([
      startGateway({ config, env: { TRUSTED_PROXIES: "loopback", ADMIN_PASSWORD: PASSWORD } }),
      startGateway({ config, env: { ADMIN_PASSWORD: PASSWORD } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([behindProxy?.stop(), direct?.stop()]);
    await idp?.close();
  });

  const register = (gw: Gateway, from: string) =>
    gw.fetch("/oauth/std/register", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": from },
      body: JSON.stringify({ redirect_uris: ["http://127.0.0.1:41999/callback"], token_endpoint_auth_method: "none" }),
    });
  const signIn = (gw: Gateway, from: string) =>
    gw.fetch("/api/auth/login", {
      method: "POST",
      headers: { "content-type": "application/json", origin: gw.url, "x-forwarded-for": from },
      body: JSON.stringify({ password: "wrong" }),
    });

  it("counts dynamic client registrations per client address", async () => {
    // The client's own "X-Forwarded-For: 6.6.6.x" is the left entry: ignored, so it is one client.
    const burst = await sendUntilRefused((i) => register(behindProxy, `6.6.6.${i}, 198.51.100.1`), REGISTRATION_LIMIT);
    expect(burst.allowed).toBeGreaterThanOrEqual(30);
    expect(burst.allowed).toBeLessThanOrEqual(burst.maxAllowed);
    expect(await burst.refused.json()).toMatchObject({ error: "slow_down" });
    expect((await register(behindProxy, "198.51.100.1")).status).toBe(429);
    expect((await register(behindProxy, "198.51.100.2")).status).toBe(201);
  });

  it("counts sign-in attempts per client address", async () => {
    const burst = await sendUntilRefused(() => signIn(behindProxy, "198.51.100.1"), SIGN_IN_LIMIT, {
      allowed: 401,
      refused: 429,
    });
    expect(burst.allowed).toBeGreaterThanOrEqual(10);
    expect(burst.allowed).toBeLessThanOrEqual(burst.maxAllowed);
    expect((await signIn(behindProxy, "198.51.100.2")).status).toBe(401);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    // Every request names another address; all of them count against the one peer, 127.0.0.1.
    const burst = await sendUntilRefused((i) => signIn(direct, `198.51.100.${i}`), SIGN_IN_LIMIT, {
      allowed: 401,
      refused: 429,
    });
    expect(burst.allowed).toBeGreaterThanOrEqual(10);
    expect(burst.allowed).toBeLessThanOrEqual(burst.maxAllowed);
  });
});
