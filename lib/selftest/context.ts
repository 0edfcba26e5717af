/**
 * State threaded through the self-test's steps: each step reads what earlier
 * steps found (the challenge, the metadata, the authorization server's
 * document) and returns one outcome. `stop` means the later steps cannot run.
 */
import type { HttpResult, SelftestFetch, SelftestOptions, SelftestStep } from "./types";

export type SelftestContext = {
  opts: SelftestOptions;
  get: SelftestFetch;
  /** The unauthenticated request's answer. */
  first?: HttpResult;
  /** The parsed Bearer challenge of that answer. */
  challenge?: Record<string, string>;
  /** The protected-resource metadata document. */
  prm?: Record<string, unknown>;
  /** The first authorization server it names, and that server's metadata. */
  asUrl?: string;
  asDoc?: Record<string, unknown>;
  /** The given token passed the gateway's checks. */
  tokenAccepted?: boolean;
};

export type StepOutcome = Omit<SelftestStep, "id" | "title"> & { stop?: boolean };
export type Step = (ctx: SelftestContext) => StepOutcome | Promise<StepOutcome>;

/** GETs a URL and returns its body as a JSON object, or throws saying why it is not one. */
export async function fetchDocument(ctx: SelftestContext, url: string): Promise<Record<string, unknown>> {
  const r = await ctx.get(url, { headers: { accept: "application/json" } });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  const j = JSON.parse(r.body) as unknown;
  if (!j || typeof j !== "object" || Array.isArray(j)) throw new Error("not a JSON object");
  return j as Record<string, unknown>;
}
