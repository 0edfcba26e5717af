/**
 * The metadata the facade would use: the chosen document, or the kind's
 * endpoint conventions when discovery found none; and where the JWKS is
 * (configured, discovered, or by convention).
 */
import type { DiscoverContext } from "./context";

export function resolveMetadata(ctx: DiscoverContext): void {
  const { provider, profile, chosen } = ctx;
  const conv = profile.conventions;
  if (chosen) {
    const doc = chosen.doc;
    ctx.jwksAt = provider.jwksUrl
      ? { jwksUri: provider.jwksUrl, jwksSource: "configured" }
      : doc.jwks_uri
        ? { jwksUri: doc.jwks_uri, jwksSource: "discovery" }
        : conv.jwks
          ? { jwksUri: conv.jwks, jwksSource: "convention" }
          : {};
    ctx.metadata = {
      source: chosen.url,
      issuer: doc.issuer!,
      authorizationEndpoint: doc.authorization_endpoint ?? conv.authorization ?? null,
      tokenEndpoint: doc.token_endpoint ?? conv.token ?? null,
      registrationEndpoint: doc.registration_endpoint ?? null,
      jwksUri: ctx.jwksAt.jwksUri ?? null,
      jwksSource: ctx.jwksAt.jwksSource ?? null,
    };
    if (!doc.authorization_endpoint)
      ctx.problems.push({
        severity: conv.authorization ? "warning" : "error",
        item: "metadata.authorization_endpoint",
        message: "missing from the metadata",
      });
    if (!doc.token_endpoint)
      ctx.problems.push({
        severity: conv.token ? "warning" : "error",
        item: "metadata.token_endpoint",
        message: "missing from the metadata",
      });
    return;
  }
  ctx.problems.push({
    severity: conv.authorization && conv.token ? "warning" : "error",
    item: "documents",
    message: `no discovery document with issuer "${provider.issuer}" was found${conv.authorization ? `; using the ${profile.label} endpoint conventions` : ""}`,
  });
  if (conv.authorization && conv.token) {
    ctx.jwksAt = provider.jwksUrl
      ? { jwksUri: provider.jwksUrl, jwksSource: "configured" }
      : conv.jwks
        ? { jwksUri: conv.jwks, jwksSource: "convention" }
        : {};
    ctx.metadata = {
      source: "convention",
      issuer: provider.issuer,
      authorizationEndpoint: conv.authorization,
      tokenEndpoint: conv.token,
      registrationEndpoint: null,
      jwksUri: ctx.jwksAt.jwksUri ?? null,
      jwksSource: ctx.jwksAt.jwksSource ?? null,
    };
  } else if (provider.jwksUrl) ctx.jwksAt = { jwksUri: provider.jwksUrl, jwksSource: "configured" };
}
