import type { JsonValue } from "@/lib/tokens/types";

/** A claim or check value as text: strings as they are, anything else as JSON. */
export const showJson = (v: JsonValue) => (typeof v === "string" ? v : JSON.stringify(v));
