/**
 * `portcullis discover --provider NAME` and the console's Discover button:
 * fetch every discovery form of the IdP and its JWKS, and report
 * capabilities, the profile's quirks and rewrites, and per-item problems.
 * Never cached. One step per file in discover/; this table owns their order.
 * The report's shape is documented in discover/report.ts.
 */
import { fetchJson } from "../net";
import type { RuntimeProvider } from "../config/model";
import { fetchOpts, type ProviderDeps } from "./discovery";
import { profileFor } from "./profiles";
import { audienceAdvice } from "./audience-advice";
import { describeRewrites } from "./rewrites";
import { readCapabilities } from "./discover/capabilities";
import { checkClientRegistration } from "./discover/client-registration";
import type { DiscoverContext, DiscoverStep } from "./discover/context";
import { fetchDocuments } from "./discover/documents";
import { fetchJwks } from "./discover/jwks";
import { resolveMetadata } from "./discover/metadata";
import type { DiscoveryReport } from "./discover/report";

export { formatDiscoveryReport } from "./discover/format";
export type { DiscoveryReport } from "./discover/report";

const STEPS: ReadonlyArray<readonly [name: string, step: DiscoverStep]> = [
  ["documents", fetchDocuments],
  ["metadata", resolveMetadata],
  ["capabilities", readCapabilities],
  ["client_registration", checkClientRegistration],
  ["jwks", fetchJwks],
];

export async function discoverProvider(provider: RuntimeProvider, deps: ProviderDeps = {}): Promise<DiscoveryReport> {
  const profile = profileFor(provider);
  const ctx: DiscoverContext = {
    provider,
    profile,
    get: deps.fetchJson ?? fetchJson,
    fetchOptions: fetchOpts(deps),
    problems: [],
    documents: [],
    metadata: null,
    jwksAt: {},
    jwks: null,
  };
  for (const [, step] of STEPS) await step(ctx);

  return {
    provider: {
      name: provider.name,
      kind: provider.kind,
      issuer: provider.issuer,
      clientIdSet: Boolean(provider.clientId),
      clientSecretSet: Boolean(provider.clientSecret),
    },
    documents: ctx.documents,
    metadata: ctx.metadata,
    capabilities: ctx.capabilities!,
    jwks: ctx.jwks,
    profile: {
      kind: profile.kind,
      label: profile.label,
      overridden: profile.overridden,
      resourceIndicators: profile.resourceIndicators,
      audienceIsClientId: profile.audienceIsClientId,
      dynamicRegistration: profile.dynamicRegistration ?? null,
      dropResource: profile.dropResource,
      audienceParam: profile.audienceParam ?? null,
      audience: audienceAdvice(profile, provider.clientId).hint,
      notes: profile.notes,
    },
    quirks: describeRewrites(profile),
    problems: ctx.problems,
    ok: !ctx.problems.some((p) => p.severity === "error"),
  };
}
