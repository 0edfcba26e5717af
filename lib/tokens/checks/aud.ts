/**
 * Step 6 — one `aud` value must equal one expected audience exactly. The
 * diagnosis lists every expected value with its source. Fixes are offered
 * only for values that can be ours: the provider's client id (Authentik-style
 * IdPs), near misses of our own resource URLs (same host: trailing slash,
 * scheme, port, or the bare origin), and a named audience such as a Keycloak
 * client id put there by an audience mapper. Never for a value that belongs to
 * another server, nor for a foreign URL: accepting tokens minted for another
 * API is a confused deputy.
 */
import { tokenAudiences } from "../claims";
import type { Check, ExpectedAudience, JsonValue } from "../types";
import { fail, pass, type CheckContext } from "./context";

export function checkAud(ctx: CheckContext): Check {
  const { server, provider, expectedAudiences } = ctx.target;
  // Shared, not copied: cached diagnoses of many tokens point at the target's one list.
  const expected = expectedAudiences as unknown as JsonValue[];
  const auds = ctx.claims ? tokenAudiences(ctx.claims) : undefined;
  if (!auds) {
    return fail("aud", "aud_missing", "the token has no aud claim", {
      expected,
      actual: ctx.claims?.aud ?? null,
      hint: "Access tokens for this server must name it in aud. Ask the IdP for an audience (RFC 8707 resource parameter, Auth0 audience, Keycloak audience mapper).",
    });
  }
  const actual = auds.length === 1 ? auds[0] : auds;
  const match = expectedAudiences.find((e) => auds.includes(e.value));
  if (match) return pass("aud", `aud ${match.value} is the ${match.detail}`, { expected, actual });

  if (provider.clientId && auds.includes(provider.clientId) && !server.includeClientIdInAudience) {
    return fail(
      "aud",
      "aud_is_client_id",
      `aud is the client id ${provider.clientId} of provider ${provider.name}, not this server`,
      {
        expected,
        actual,
        hint: `Some IdPs (Authentik, plain OIDC setups) put the client id in aud. Turn on "include client id in audience" for server ${server.name} if that IdP cannot issue resource-specific audiences.`,
        fix: {
          label: `Turn on include client id in audience for server ${server.name}`,
          patch: { entity: "server", name: server.name, set: { "oauth.includeClientIdInAudience": true } },
        },
      },
    );
  }

  // Values another server owns are never offered: accepting them would let that server's tokens open this one.
  const owners = new Map(auds.map((a) => [a, ctx.target.audienceOwner?.(a)] as const));
  const unowned = auds.filter((a) => owners.get(a) === undefined);

  for (const aud of unowned) {
    const near = nearMiss(aud, expectedAudiences);
    if (!near) continue;
    return fail(
      "aud",
      "aud_mismatch",
      `aud ${aud} is not accepted by server ${server.name}; closest expected value: ${near.expected.value}`,
      {
        expected,
        actual,
        hint: NEAR_MISS_HINTS[near.kind](aud, near.expected),
        fix: {
          label: `Accept audience ${aud} on server ${server.name}`,
          patch: { entity: "server", name: server.name, append: { "oauth.audiences": aud } },
        },
      },
    );
  }
  const named = unowned.find((a) => a !== KEYCLOAK_ACCOUNT && !parse(a) && !/^https?:/i.test(a));
  // Only a verified token's audience is worth a one-click fix.
  if (named && ctx.signatureVerified) {
    const keycloak = provider.kind === "keycloak" || auds.includes(KEYCLOAK_ACCOUNT);
    return fail("aud", "aud_mismatch", `aud ${auds.join(", ")} is not accepted by server ${server.name}`, {
      expected,
      actual,
      hint: keycloak
        ? `Keycloak puts a client id in aud when an Audience mapper names it (Client scopes → the scope → Mappers → Audience, "Included Client Audience"); "${KEYCLOAK_ACCOUNT}" comes from Keycloak's default roles and never names this server. If ${named} is the Keycloak client that stands for server ${server.name}, accept it (it is added to the server's "Extra accepted audiences"). Otherwise set the mapper's "Included Custom Audience" to this server's resource URL${expectedAudiences[0] ? ` ${expectedAudiences[0].value}` : ""}.`
        : `The IdP named ${named} as the audience. If ${named} identifies server ${server.name} at the IdP, accept it (it is added to the server's "Extra accepted audiences"); if it names another API, the client asked for the wrong token.`,
      fix: {
        label: `Accept audience ${named} on server ${server.name}`,
        patch: { entity: "server", name: server.name, append: { "oauth.audiences": named } },
      },
    });
  }
  const owned = auds.find((a) => owners.get(a) !== undefined);
  if (owned !== undefined) {
    const owner = owners.get(owned)!;
    return fail("aud", "aud_mismatch", `aud ${owned} belongs to server ${owner}, not ${server.name}`, {
      expected,
      actual,
      hint: `The token was issued for server ${owner}. Clients must request a token for this server's own resource URL; accepting another server's tokens here would let one server's tokens open the other.`,
    });
  }
  if (expectedAudiences.length === 0) {
    return fail("aud", "aud_mismatch", `no resource URL or extra audience is known for server ${server.name}`, {
      expected,
      actual,
      hint: 'Give the server a public base URL (or set PUBLIC_URL) so its resource URL is known, or add values to its "Extra accepted audiences".',
    });
  }
  return fail("aud", "aud_mismatch", `aud ${auds.join(", ")} is not accepted by server ${server.name}`, {
    expected,
    actual,
    hint: `The token was issued for another API. Make the client request a token for this server's resource URL, or, if this server really is that API, add the value to the server's "Extra accepted audiences".`,
  });
}

/** Keycloak adds this audience (its account console) to most tokens: it never identifies an MCP server. */
const KEYCLOAK_ACCOUNT = "account";

type NearKind = "trailing_slash" | "scheme" | "port_or_case" | "origin_only" | "other_path";

const NEAR_MISS_HINTS: Record<NearKind, (aud: string, e: ExpectedAudience) => string> = {
  trailing_slash: (aud, e) =>
    `aud ${aud} differs from ${e.value} only by a trailing slash; audiences are compared exactly. Check the URL the client was given.`,
  scheme: (aud, e) =>
    `aud ${aud} differs from ${e.value} only by http/https: the client saw a different scheme than the gateway advertises. Behind a TLS proxy set PUBLIC_URL (or TRUSTED_PROXIES), or accept this value.`,
  port_or_case: (aud, e) =>
    `aud ${aud} names the same host as ${e.value} but with a different port or letter case; audiences are compared exactly.`,
  origin_only: (aud, e) =>
    `aud ${aud} is the gateway's origin, not this server's resource URL ${e.value}. The client requested a token for the whole host.`,
  other_path: (aud, e) => `aud ${aud} is on the same host as ${e.value} but names another path (another server?).`,
};

function nearMiss(
  aud: string,
  expected: readonly ExpectedAudience[],
): { kind: NearKind; expected: ExpectedAudience } | null {
  const a = parse(aud);
  if (!a) return null;
  for (const e of expected) {
    const x = parse(e.value);
    if (!x || a.hostname.toLowerCase() !== x.hostname.toLowerCase()) continue;
    const strip = (p: string) => p.replace(/\/+$/, "");
    const samePath = strip(a.pathname) === strip(x.pathname);
    let kind: NearKind;
    if (aud.replace(/\/+$/, "") === e.value.replace(/\/+$/, "")) kind = "trailing_slash";
    else if (a.protocol !== x.protocol && samePath) kind = "scheme";
    else if (samePath) kind = "port_or_case";
    else if (strip(a.pathname) === "") kind = "origin_only";
    else kind = "other_path";
    return { kind, expected: e };
  }
  return null;
}

function parse(s: string): URL | null {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:" ? u : null;
  } catch {
    return null;
  }
}
