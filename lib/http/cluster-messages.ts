/** IPC between the primary and its workers (node:cluster), besides forwarded request-log batches. */

/** Primary → worker: drain and exit; or reload the config now (a console write, or a poll saw a change). */
export type ToWorker = { kind: "portcullis:drain" } | { kind: "portcullis:config"; version: number };

/** Worker → primary: the public listener is up. */
export type Listening = { kind: "portcullis:listening"; port: number };

export const isMessage = <K extends string>(m: unknown, kind: K): m is { kind: K } =>
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
