/** IPC between the primary and its workers (node:cluster), besides forwarded request-log batches. */
import { AppError } from "../errors";

/** Primary → worker: drain and exit; or reload the config now (a console write, or a poll saw a change). */
export type ToWorker = { kind: "portcullis:drain" } | { kind: "portcullis:config"; version: number };

/** Worker → primary: the public listener is up. */
export type Listening = { kind: "portcullis:listening"; port: number };

/** A cluster message of type M, known by its `kind`. */
export const isMessage = <M extends { kind: string }>(m: unknown, kind: M["kind"]): m is M =>
  typeof m === "object" && m !== null && (m as { kind?: unknown }).kind === kind;

/** Environment variable telling a worker where the primary serves the console (single-port mode). */
export const CONSOLE_SOCKET_VAR = "PORTCULLIS_CONSOLE_SOCKET";

/**
 * Worker → primary, for a message that wants an answer: false when the primary is gone. A `false` from
 * `process.send` only means the channel is backed up (the message is still delivered), so it is not
 * read as failure; a failed write calls `onError` instead of becoming an uncaught 'error' event.
 */
export function sendToPrimary(m: unknown, onError: (e: Error) => void): boolean {
  if (!process.connected || !process.send) return false;
  process.send(m, undefined, {}, (e: Error | null) => {
    if (e) onError(e);
  });
  return true;
}

/** How a worker talks to its primary; injectable for tests. */
export type PrimaryChannel = {
  /** False when the primary is gone; `onError` when a send fails later. */
  send(m: unknown, onError: (e: Error) => void): boolean;
  onMessage(listener: (m: unknown) => void): void;
};

const processChannel: PrimaryChannel = {
  send: sendToPrimary,
  onMessage: (listener) => process.on("message", listener),
};

type Answer = { kind: string; id: number };

/**
 * Worker → primary requests that want an answer of kind `answerKind`, matched by id: `ask` resolves with the
 * answer, or rejects with `timeout()` after `timeoutMs`, or with `not_ready` when the primary is gone (the
 * request never reached it). A late answer is dropped.
 */
export function primaryRequests<A extends Answer>(
  answerKind: A["kind"],
  { timeoutMs, timeout }: { timeoutMs: number; timeout: () => Error },
  channel: PrimaryChannel = processChannel,
): { ask(request: (id: number) => unknown): Promise<A> } {
  const waiting = new Map<number, { resolve(a: A): void; reject(e: Error): void }>();
  let nextId = 0;
  channel.onMessage((m) => {
    if (isMessage<A>(m, answerKind)) waiting.get(m.id)?.resolve(m);
  });
  return {
    ask: (request) =>
      new Promise<A>((resolve, reject) => {
        const id = nextId++;
        const settle = () => {
          clearTimeout(timer);
          return waiting.delete(id);
        };
        const timer = setTimeout(() => settle() && reject(timeout()), timeoutMs);
        waiting.set(id, { resolve: (a) => settle() && resolve(a), reject: (e) => settle() && reject(e) });
        const gone = () => waiting.get(id)?.reject(new AppError("not_ready", "the primary process is gone"));
        if (!channel.send(request(id), gone)) gone();
      }),
  };
}
