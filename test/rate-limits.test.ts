// Per-client rate limits behind a load balancer: with TRUSTED_PROXIES, the DCR and sign-in limits are
// per client address (X-Forwarded-For, read right to left), so one noisy client does not lock out the
// others; without it, X-Forwarded-For is ignored and a client cannot pick a fresh bucket per request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { autoCleanup } from "./support/hooks";
import { startGateway, startIdp, startMcpServer, type Gateway, type Idp } from "./support";
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
    const config = facadeConfig({ name: "std", kind: "generic", issuer: idp.issuer, clientId: "gateway", clientSecret: "gateway-secret" }, { upstream: upstream.url });
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
    const statuses: number[] = [];
    // The client's own "X-Forwarded-For: 6.6.6.6" is the left entry: ignored.
    for (let i = 0; i < 31; i++) statuses.push((await register(behindProxy, `6.6.6.${i}, 198.51.100.1`)).status);
    expect(statuses.slice(0, 30).every((s) => s === 201)).toBe(true);
    const limited = await register(behindProxy, "198.51.100.1");
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({ error: "slow_down" });
    expect((await register(behindProxy, "198.51.100.2")).status).toBe(201);
  });

  it("counts sign-in attempts per client address", async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(behindProxy, "198.51.100.1")).status).toBe(401);
    expect((await signIn(behindProxy, "198.51.100.1")).status).toBe(429);
    expect((await signIn(behindProxy, "198.51.100.2")).status).toBe(401);
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", async () => {
    for (let i = 0; i < 10; i++) expect((await signIn(direct, `198.51.100.${i}`)).status).toBe(401);
    expect((await signIn(direct, "198.51.100.200")).status).toBe(429);
  });
});
