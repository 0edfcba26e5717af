/** IPC between the primary and its workers (node:cluster), besides forwarded request-log batches. */

/** Primary → worker: drain and exit; or reload the config now (a console write, or a poll saw a change). */
export type ToWorker = { kind: "portcullis:drain" } | { kind: "portcullis:config"; version: number };

/** Worker → primary: the public listener is up. */
export type Listening = { kind: "portcullis:listening"; port: number };

export const isMessage = <K extends string>(m: unknown, kind: K): m is { kind: K } =>
  typeof m === "object" && m !== null && (m as { kind?: unknown }).kind === kind;

/** Environment variable telling a worker where the primary serves the console (single-port mode). */
export const CONSOLE_SOCKET_VAR = "PORTCULLIS_CONSOLE_SOCKET";
