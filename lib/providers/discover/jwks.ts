/** Fetches the JWKS the token checks would use, and lists its key ids and algorithms. */
import { errorInfo, type DiscoverContext } from "./context";

export async function fetchJwks(ctx: DiscoverContext): Promise<void> {
  const { jwksUri, jwksSource } = ctx.jwksAt;
  if (!jwksUri) {
    ctx.problems.push({
      severity: "error",
      item: "jwks",
      message: "no JWKS URL: set jwksUrl (the IdP's metadata has no jwks_uri and the kind has no convention)",
    });
    return;
  }
  const source = jwksSource ?? "configured";
  try {
    const { data } = await ctx.get(jwksUri, ctx.fetchOptions);
    const keys = (data as { keys?: unknown })?.keys;
    if (!Array.isArray(keys)) throw new Error("not a JWK set (no keys array)");
    const list = keys.filter((k): k is Record<string, unknown> => typeof k === "object" && k !== null);
    ctx.jwks = {
      url: jwksUri,
      source,
      reachable: true,
      keyIds: list.map((k) => (typeof k.kid === "string" ? k.kid : "")).filter(Boolean),
      algorithms: [...new Set(list.map((k) => (typeof k.alg === "string" ? k.alg : "")).filter(Boolean))],
    };
    if (list.length === 0) ctx.problems.push({ severity: "error", item: "jwks", message: `${jwksUri} has no keys` });
  } catch (e) {
    const error = errorInfo(e);
    ctx.jwks = { url: jwksUri, source, reachable: false, keyIds: [], algorithms: [], error };
    ctx.problems.push({ severity: "error", item: "jwks", message: error.message });
  }
}
