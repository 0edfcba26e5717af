/**
 * State threaded through the discovery steps. Each step fills its part of
 * the report from what earlier steps found, and adds problems in order.
 */
import { isFetchError, type SafeFetchOptions } from "../../net";
import type { RuntimeProvider } from "../../config/model";
import type { FetchJsonFn, IdpMetadata, ResolvedMetadata } from "../discovery";
import type { EffectiveProfile } from "../profiles";
import type { DiscoveredDocument, DiscoveryReport, Problem } from "./report";

export type DiscoverContext = {
  provider: RuntimeProvider;
  profile: EffectiveProfile;
  get: FetchJsonFn;
  fetchOptions: SafeFetchOptions;
  problems: Problem[];
  documents: DiscoveredDocument[];
  /** The first document whose issuer is the provider's (trailing slash aside). */
  chosen?: { doc: IdpMetadata; url: string };
  metadata: DiscoveryReport["metadata"];
  /** Where the JWKS is, whatever found it. */
  jwksAt: Pick<ResolvedMetadata, "jwksUri" | "jwksSource">;
  capabilities?: DiscoveryReport["capabilities"];
  jwks: DiscoveryReport["jwks"];
};

export type DiscoverStep = (ctx: DiscoverContext) => void | Promise<void>;

export const errorInfo = (e: unknown) =>
  isFetchError(e)
    ? { code: e.code, message: e.message }
    : { code: "error", message: (e as Error)?.message ?? String(e) };

export const trimSlash = (s: string) => s.replace(/\/+$/, "");
