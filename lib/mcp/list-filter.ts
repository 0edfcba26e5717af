/**
 * Removes from list responses (`tools/list`, `prompts/list`, `resources/list`)
 * the items the caller may not use, as a stream transform on the upstream's
 * response. A JSON response is one message: it is read whole (bounded), then
 * filtered. An SSE response is filtered event by event: every event passes
 * through as soon as it is complete, and only the list response is rewritten,
 * so nothing is held beyond the message being read.
 */
import { Transform, type TransformCallback } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { jsonRpcErrorBody } from "../errors";
import type { JsonRpcId } from "./messages";

export type ListKind = "tools/list" | "prompts/list" | "resources/list";
/** What each list holds, and the field naming an item (checked as the operation that uses it). */
export const LISTS: Record<ListKind, { field: string; key: "name" | "uri"; usedBy: string }> = {
  "tools/list": { field: "tools", key: "name", usedBy: "tools/call" },
  "prompts/list": { field: "prompts", key: "name", usedBy: "prompts/get" },
  "resources/list": { field: "resources", key: "uri", usedBy: "resources/read" },
};
export const isListMethod = (m: string): m is ListKind => Object.hasOwn(LISTS, m);

/** May the caller use the item the list names (`usedBy` method, item name)? */
export type KeepItem = (usedBy: string, name: string) => boolean;

/** A list response bigger than this is refused rather than relayed unfiltered. */
export const MAX_FILTERED_MESSAGE_BYTES = 8 * 1024 * 1024;

/** Filters one parsed JSON-RPC message in place when it answers a listed request; true if it did. */
export function filterMessage(msg: unknown, targets: ReadonlyMap<JsonRpcId, ListKind>, keep: KeepItem): boolean {
  if (!msg || typeof msg !== "object" || Array.isArray(msg)) return false;
  const m = msg as { id?: JsonRpcId; result?: Record<string, unknown> };
  const kind = m.id !== undefined ? targets.get(m.id) : undefined;
  if (!kind || !m.result || typeof m.result !== "object") return false;
  const { field, key, usedBy } = LISTS[kind];
  const items = m.result[field];
  if (Array.isArray(items))
    m.result[field] = items.filter((it) => {
      const name = (it as Record<string, unknown> | null)?.[key];
      return typeof name === "string" && keep(usedBy, name);
    });
  return true;
}

const tooLarge = (targets: ReadonlyMap<JsonRpcId, ListKind>) =>
  JSON.stringify(
    jsonRpcErrorBody(
      targets.keys().next().value ?? null,
      -32603,
      "The list response is too large for the gateway to filter",
    ),
  );

/** A whole JSON body (one message or a batch of responses). */
class JsonListFilter extends Transform {
  private chunks: Buffer[] = [];
  private size = 0;
  private overflow = false;
  constructor(
    private readonly targets: ReadonlyMap<JsonRpcId, ListKind>,
    private readonly keep: KeepItem,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    this.size += chunk.length;
    if (this.size > MAX_FILTERED_MESSAGE_BYTES) this.overflow = true;
    else this.chunks.push(chunk);
    cb();
  }
  override _flush(cb: TransformCallback) {
    if (this.overflow) return cb(null, tooLarge(this.targets));
    const raw = Buffer.concat(this.chunks);
    let msg: unknown;
    try {
      msg = JSON.parse(raw.toString("utf8"));
    } catch {
      return cb(null, raw); // not JSON: not a list response either; the client sees what the upstream sent
    }
    const hit = Array.isArray(msg)
      ? msg.map((m) => filterMessage(m, this.targets, this.keep)).some(Boolean)
      : filterMessage(msg, this.targets, this.keep);
    cb(null, hit ? JSON.stringify(msg) : raw);
  }
}

/** SSE: complete events pass at once; the one answering a listed request is rewritten. */
class SseListFilter extends Transform {
  private decoder = new StringDecoder("utf8");
  private pending = "";
  private remaining: Map<JsonRpcId, ListKind>;
  constructor(
    targets: ReadonlyMap<JsonRpcId, ListKind>,
    private readonly keep: KeepItem,
  ) {
    super();
    this.remaining = new Map(targets);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
    // Every list response seen: the rest of the stream is relayed as it comes.
    if (this.remaining.size === 0) {
      const rest = this.pending + this.decoder.write(chunk);
      this.pending = "";
      return cb(null, rest === "" ? undefined : rest);
    }
    this.pending += this.decoder.write(chunk);
    // A CR at the end may be the first half of a CRLF: leave it for the next chunk.
    const text = this.pending.endsWith("\r") ? this.pending.slice(0, -1) : this.pending;
    const normalised = text.replace(/\r\n?/g, "\n");
    let start = 0;
    let out = "";
    for (let end = normalised.indexOf("\n\n"); end >= 0; end = normalised.indexOf("\n\n", start)) {
      out += this.event(normalised.slice(start, end)) + "\n\n";
      start = end + 2;
    }
    this.pending = normalised.slice(start) + (this.pending.endsWith("\r") ? "\r" : "");
    if (this.pending.length > MAX_FILTERED_MESSAGE_BYTES) return cb(new Error("SSE event too large to filter"));
    cb(null, out === "" ? undefined : out);
  }
  override _flush(cb: TransformCallback) {
    const rest = this.pending + this.decoder.end();
    cb(null, rest === "" ? undefined : this.event(rest));
  }
  /** One event's text (no terminating blank line), rewritten if it answers a listed request. */
  private event(text: string): string {
    if (this.remaining.size === 0 || !text.includes("data:")) return text;
    const lines = text.split("\n");
    const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(l.startsWith("data: ") ? 6 : 5));
    let msg: unknown;
    try {
      msg = JSON.parse(data.join("\n"));
    } catch {
      return text;
    }
    if (!filterMessage(msg, this.remaining, this.keep)) return text;
    this.remaining.delete((msg as { id: JsonRpcId }).id);
    const others = lines.filter((l) => !l.startsWith("data:"));
    return [...others, `data: ${JSON.stringify(msg)}`].join("\n");
  }
}

/** A filter for the response's content type, or undefined when there is nothing it can filter. */
export function listResponseFilter(
  contentType: string | undefined,
  targets: ReadonlyMap<JsonRpcId, ListKind>,
  keep: KeepItem,
): Transform | undefined {
  if (targets.size === 0 || !contentType) return undefined;
  if (/^application\/json/i.test(contentType)) return new JsonListFilter(targets, keep);
  if (/^text\/event-stream/i.test(contentType)) return new SseListFilter(targets, keep);
  return undefined;
}
