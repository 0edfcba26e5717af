// A TCP relay for fault injection: put it between the gateway and a peer (IdP, upstream) and switch it
//  - "pass": relay both ways (the default);
//  - "hang": accept connections and read what they send, but neither answer nor forward: a hung peer
//    (a server stuck in GC, a half-dead load balancer). release() switches back to "pass" and delivers
//    what the held connections sent, so a request that was waiting gets the peer's real answer.
// No vitest import (benchmarks may use it too).
import { connect, createServer, type Socket } from "node:net";
import { closeOnce } from "./cleanup";

export interface FaultProxy {
  /** 127.0.0.1 port to point the gateway at. */
  port: number;
  /** Rewrites a URL of the target onto the relay (same path and query). */
  via(url: string): string;
  mode(): "pass" | "hang";
  hang(): void;
  /** Back to "pass"; held connections are connected to the target with what they sent meanwhile. */
  release(): void;
  /** Connections accepted while hanging, so far. */
  held(): number;
  close(): Promise<void>;
}

export async function startFaultProxy(target: { host?: string; port: number }): Promise<FaultProxy> {
  const host = target.host ?? "127.0.0.1";
  let mode: "pass" | "hang" = "pass";
  let heldCount = 0;
  const held = new Set<{ client: Socket; buffered: Buffer[] }>();
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.once("close", () => sockets.delete(s));
  };

  const relay = (client: Socket, buffered: Buffer[] = []) => {
    const upstream = connect(target.port, host);
    track(upstream);
    for (const chunk of buffered) upstream.write(chunk);
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  };

  const server = createServer((client) => {
    track(client);
    if (mode === "pass") return relay(client);
    heldCount++;
    const entry = { client, buffered: [] as Buffer[] };
    const keep = (c: Buffer) => entry.buffered.push(c);
    client.on("data", keep);
    client.on("error", () => held.delete(entry));
    client.once("close", () => held.delete(entry));
    (entry as { stop?: () => void }).stop = () => client.off("data", keep);
    held.add(entry);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as { port: number }).port;

  const close = closeOnce(`fault-proxy(${port})`, async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  return {
    port,
    via(url) {
      const u = new URL(url);
      u.host = `127.0.0.1:${port}`;
      return u.href;
    },
    mode: () => mode,
    hang() {
      mode = "hang";
    },
    release() {
      mode = "pass";
      for (const entry of held) {
        (entry as { stop?: () => void }).stop?.();
        relay(entry.client, entry.buffered);
      }
      held.clear();
    },
    held: () => heldCount,
    close,
  };
}
