/**
 * What a policy decides about: one MCP operation (its method and, for tools,
 * prompts and resources, its name) made by one caller (what its verified
 * token says, or nothing for an anonymous caller).
 */
import type { JsonValue } from "../tokens/types";

export type Operation = { method: string; name?: string };

export type Caller = {
  /** False for requests without a verified token (enforcement optional or permissive, auth none or passthrough). */
  authenticated: boolean;
  subject?: string;
  client?: string;
  scopes: readonly string[];
  claims?: Readonly<Record<string, JsonValue>>;
};

export const ANONYMOUS: Caller = Object.freeze({
  authenticated: false,
  scopes: Object.freeze([]) as readonly string[],
});

/** How a decision was reached: a rule, the server default, or the protocol's housekeeping exemption. */
export type DecisionSource = "rule" | "default" | "exempt";

export type PolicyDecision =
  | { effect: "allow"; source: DecisionSource; rule?: string }
  | { effect: "deny"; source: "rule" | "default"; rule?: string }
  /** The operation needs scopes the caller lacks: `needed` is every scope it needs, `missing` those not held. */
  | { effect: "challenge"; source: "rule"; rule: string; needed: readonly string[]; missing: readonly string[] };
