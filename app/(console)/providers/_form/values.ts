/**
 * The provider form's values and how they become the API body. The form keeps
 * text where people type text (the two maps as `name = value` lines, empty
 * strings for unset fields); the body is validated by `providerSchema` itself.
 */
import { providerSchema, type ProfileOverrides, type ProviderConfig, type ProviderKind } from "@/lib/config/schema";
import type { ProviderView } from "@/lib/config/model";
import { apiPayloadSchema, compact, type FormIssue } from "@/app/_lib/form";
import { linesToPairs, pairsToLines } from "@/app/_lib/pairs";
import { secretPayload, type SecretValue } from "@/components/secret-field";

export type PairKey = "scopeMap" | "extraAuthorizeParams";

export type ProviderFormValues = {
  name: string;
  kind: ProviderKind;
  issuer: string;
  jwksUrl: string;
  clientId: string;
  /** undefined keeps the stored secret, null clears it, a string replaces it. */
  clientSecret: SecretValue;
  scopes: string[];
  algorithms: string[];
  clockSkewSeconds: number;
  requireAtJwt: boolean;
  /** Every override as typed; the two maps as `name = value` lines. */
  overrides: Omit<ProfileOverrides, PairKey> & Record<PairKey, string[]>;
  /** The facade at a host's root (empty: none). */
  facadeUrl: string;
  cimdEnabled: boolean;
  cimdAllowedDomains: string[];
  expireUnusedAfter: string;
  expireIdleAfter: string;
  deduplicate: boolean;
};

export function providerFormValues(p?: ProviderView): ProviderFormValues {
  const { scopeMap, extraAuthorizeParams, ...overrides } = p?.overrides ?? {};
  return {
    name: p?.name ?? "",
    kind: p?.kind ?? "generic",
    issuer: p?.issuer ?? "",
    jwksUrl: p?.jwksUrl ?? "",
    clientId: p?.clientId ?? "",
    clientSecret: undefined,
    scopes: p?.scopes ?? [],
    algorithms: p?.algorithms ?? [],
    clockSkewSeconds: p?.clockSkewSeconds ?? 60,
    requireAtJwt: p?.requireAtJwt ?? false,
    overrides: {
      ...overrides,
      scopeMap: pairsToLines(scopeMap),
      extraAuthorizeParams: pairsToLines(extraAuthorizeParams),
    },
    facadeUrl: p?.facadeUrl ?? "",
    cimdEnabled: p?.clientIdMetadataDocuments?.enabled ?? true,
    cimdAllowedDomains: p?.clientIdMetadataDocuments?.allowedDomains ?? [],
    expireUnusedAfter: p?.clientRegistrations?.expireUnusedAfter ?? "72h",
    expireIdleAfter: p?.clientRegistrations?.expireIdleAfter ?? "90d",
    deduplicate: p?.clientRegistrations?.deduplicate ?? false,
  };
}

/** The client settings, left out of the body while they are the defaults (so an export stays short). */
function clientSettings(v: ProviderFormValues) {
  const cimd = { enabled: v.cimdEnabled, allowedDomains: v.cimdAllowedDomains };
  const registrations = {
    expireUnusedAfter: v.expireUnusedAfter.trim(),
    expireIdleAfter: v.expireIdleAfter.trim(),
    deduplicate: v.deduplicate,
  };
  return {
    ...(v.facadeUrl.trim() ? { facadeUrl: v.facadeUrl.trim() } : {}),
    ...(!cimd.enabled || cimd.allowedDomains.length ? { clientIdMetadataDocuments: cimd } : {}),
    ...(registrations.expireUnusedAfter !== "72h" ||
    registrations.expireIdleAfter !== "90d" ||
    registrations.deduplicate
      ? { clientRegistrations: registrations }
      : {}),
  };
}

function providerPayload(v: ProviderFormValues) {
  const issues: FormIssue[] = [];
  const { scopeMap, extraAuthorizeParams, ...rest } = v.overrides;
  const overrides: ProfileOverrides = compact(rest);
  // The maps skip compact(): an empty value is a setting (a scope map entry that drops the scope).
  for (const [key, lines] of [
    ["scopeMap", scopeMap],
    ["extraAuthorizeParams", extraAuthorizeParams],
  ] as const) {
    const pairs = linesToPairs(lines);
    if (pairs.errors.length) issues.push({ path: ["overrides", key], message: pairs.errors.join("; ") });
    if (Object.keys(pairs.value).length) overrides[key] = pairs.value;
  }
  const secret = secretPayload(v.clientSecret);
  const payload = {
    ...compact({
      name: v.name.trim(),
      kind: v.kind,
      issuer: v.issuer.trim(),
      jwksUrl: v.jwksUrl.trim(),
      clientId: v.clientId.trim(),
    }),
    scopes: v.scopes,
    ...(v.algorithms.length ? { algorithms: v.algorithms } : {}),
    clockSkewSeconds: v.clockSkewSeconds,
    ...(v.requireAtJwt ? { requireAtJwt: true } : {}),
    ...(Object.keys(overrides).length ? { overrides } : {}),
    ...clientSettings(v),
    ...("value" in secret ? { clientSecret: secret.value } : {}),
  };
  return { payload: payload as Partial<ProviderConfig>, issues };
}

export const providerFormSchema = apiPayloadSchema(providerSchema, providerPayload);
