/**
 * DiscoveryReport: what `portcullis discover` and the console's Discover
 * button show. JSON-serialisable; its field names are a stable contract.
 * - provider: { name, kind, issuer, clientIdSet, clientSecretSet }
 * - documents[]: every URL tried, in order
 * - metadata: the document the facade uses (or the kind's conventions), or null
 * - capabilities: each value true/false, or null when the IdP does not say
 * - jwks: the key set's URL, where it came from, and what it holds, or null
 * - profile: the effective profile; quirks[]: what Portcullis does differently
 * - problems[]: per-item findings; ok: no problem of severity "error"
 */
export type DiscoveredDocument = {
  form: "configured" | "oauth" | "oidc" | "oidc-inserted";
  url: string;
  found: boolean;
  status?: number;
  issuer?: string;
  issuerMatches?: boolean;
  error?: { code: string; message: string };
};

export type Problem = { severity: "error" | "warning"; item: string; message: string };

export type DiscoveryReport = {
  provider: { name: string; kind: string; issuer: string; clientIdSet: boolean; clientSecretSet: boolean };
  documents: DiscoveredDocument[];
  metadata: {
    source: string;
    issuer: string;
    authorizationEndpoint: string | null;
    tokenEndpoint: string | null;
    registrationEndpoint: string | null;
    jwksUri: string | null;
    jwksSource: "configured" | "discovery" | "convention" | null;
  } | null;
  capabilities: {
    pkceS256: boolean | null;
    pkceMethods: string[] | null;
    dynamicRegistration: boolean | null;
    resourceIndicators: boolean | null;
    issResponseParameter: boolean | null;
    tokenEndpointAuthMethods: string[] | null;
    scopes: string[] | null;
  };
  jwks: {
    url: string;
    source: string;
    reachable: boolean;
    keyIds: string[];
    algorithms: string[];
    error?: { code: string; message: string };
  } | null;
  profile: {
    kind: string;
    label: string;
    overridden: string[];
    resourceIndicators: boolean;
    audienceIsClientId: boolean;
    dynamicRegistration: boolean | null;
    dropResource: boolean;
    audienceParam: string | null;
    /** What the IdP puts in `aud`, and what a server must accept for it (lib/providers/audience-advice.ts). */
    audience: string;
    notes: string[];
  };
  quirks: { id: string; description: string }[];
  problems: Problem[];
  ok: boolean;
};
