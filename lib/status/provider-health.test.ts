import { describe, expect, it } from "vitest";
import type { RuntimeProvider } from "../config/model";
import { providerHealth } from "./provider-health";

const provider = (over: Partial<RuntimeProvider>): RuntimeProvider =>
  ({
    name: "p",
    kind: "keycloak",
    issuer: "https://idp.example.com/realms/mcp",
    scopes: [],
    clockSkewSeconds: 60,
    ...over,
  }) as RuntimeProvider;
const unreachable = async (url: string | URL) => {
  throw new Error(`${url}: network error: connect ECONNREFUSED`);
};

describe("providerHealth", () => {
  it("puts an unreachable issuer first, and says a Keycloak without client id has no dynamic registration", async () => {
    const h = await providerHealth(provider({}), { fetchJson: unreachable, blockPrivateNetwork: false });
    expect(h.healthy).toBe(false);
    expect(h.detail).toMatch(
      /^https:\/\/idp\.example\.com\/realms\/mcp\/protocol\/openid-connect\/certs: network error/,
    );
    expect(h.dynamicRegistration).toBe(false);
    expect(h.problems.some((p) => p.item === "provider.clientId")).toBe(true);
  });

  it("is healthy when discovery and the JWKS answer", async () => {
    const issuer = "https://idp.example.com/realms/mcp";
    const fetchJson = async (u: string | URL) => {
      const url = String(u);
      const data = url.endsWith("/openid-configuration")
        ? {
            issuer,
            authorization_endpoint: `${issuer}/auth`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/certs`,
            code_challenge_methods_supported: ["S256"],
          }
        : url === `${issuer}/certs`
          ? { keys: [{ kty: "RSA", kid: "k1", n: "AQAB", e: "AQAB", alg: "RS256" }] }
          : undefined;
      if (!data) throw new Error(`${url}: HTTP 404`);
      const body = Buffer.from(JSON.stringify(data));
      return { data, response: { url, status: 200, headers: new Headers(), body, redirects: 0, address: "192.0.2.1" } };
    };
    const h = await providerHealth(provider({ clientId: "gw" }), { fetchJson, blockPrivateNetwork: false });
    expect(h).toMatchObject({ healthy: true, detail: "discovery and JWKS ok (1 key)", dynamicRegistration: false });
  });
});
