/**
 * Graceful draining of HTTP listeners (SIGTERM, SIGINT): optionally keep accepting for a delay (load
 * balancers notice /readyz first), then stop accepting connections, close idle keep-alive connections,
 * let in-flight requests and SSE streams finish up to a deadline, and cut what is left. Responses that
 * start while draining carry `Connection: close`, and a connection whose response ends is closed, so
 * clients reconnect elsewhere. docs/operations.md describes it.
 *
 * Connections are tracked per connection (not per request), so serving costs nothing extra.
 */
import type { Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

export type DrainResult = {
  /** Connections with a request or stream in flight when draining started. */
  inFlight: number;
  /** Of those, connections still open at the deadline, cut. */
  cut: number;
  durationMs: number;
};

/** What Node keeps on a socket while it serves a response (its public `ServerResponse`). */
type ServingSocket = Socket & { _httpMessage?: ServerResponse | null };

const IDLE_SWEEP_MS = 50;

export class ConnectionTracker {
  private readonly sockets = new Set<ServingSocket>();
  private readonly servers: Server[] = [];
  private draining: Promise<DrainResult> | undefined;

  /** Tracks the connections of `server`; call before it listens. */
  track(server: Server): void {
    this.servers.push(server);
    server.on("connection", (socket: ServingSocket) => {
      this.sockets.add(socket);
      socket.once("close", () => this.sockets.delete(socket));
    });
  }

  /** Open connections (idle or busy) across the tracked servers. */
  get open(): number {
    return this.sockets.size;
  }

  /**
   * Drains every tracked server: accepts connections `delayMs` longer, then gives in-flight work
   * `deadlineMs`. Idempotent (a second call returns the first drain).
   */
  drain(deadlineMs: number, delayMs = 0): Promise<DrainResult> {
    return (this.draining ??= this.run(deadlineMs, delayMs));
  }

  private async run(deadlineMs: number, delayMs: number): Promise<DrainResult> {
    // From now on every response closes its connection after it: clients move to other replicas.
    for (const server of this.servers) {
      server.prependListener("request", (_req, res: ServerResponse) => {
        res.shouldKeepAlive = false;
      });
    }
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const started = performance.now();
    for (const server of this.servers) {
      server.close(); // stops accepting; Node closes the idle keep-alive connections at once
      server.closeIdleConnections();
    }
    let inFlight = 0;
    for (const socket of this.sockets) {
      const res = socket._httpMessage;
      if (!res) continue;
      inFlight++;
      if (!res.headersSent) res.shouldKeepAlive = false;
    }
    const deadline = started + deadlineMs;
    while (this.sockets.size > 0 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(IDLE_SWEEP_MS, Math.max(1, deadline - performance.now()))));
      // Connections whose response ended (an SSE stream, a response sent before draining) are idle now.
      for (const server of this.servers) server.closeIdleConnections();
    }
    const cut = this.sockets.size;
    for (const server of this.servers) server.closeAllConnections();
    for (const socket of this.sockets) socket.destroy();
    return { inFlight, cut, durationMs: Math.round(performance.now() - started) };
  }
}
