import { createServer } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { AppError } from "../errors";
import { listenFailed } from "./listen-error";

const servers: ReturnType<typeof createServer>[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

const listen = (port: number) =>
  new Promise<number>((resolve, reject) => {
    const s = createServer();
    servers.push(s);
    s.once("error", reject);
    s.listen(port, "127.0.0.1", () => resolve((s.address() as { port: number }).port));
  });

const errno = (code: string) => Object.assign(new Error(`listen ${code}`), { code });

describe("listenFailed", () => {
  it("says the port is taken, from a real EADDRINUSE", async () => {
    const port = await listen(0);
    const e = await listen(port).then(
      () => undefined,
      (err: unknown) => listenFailed(err, "127.0.0.1", port),
    );
    expect(e).toBeInstanceOf(AppError);
    expect((e as AppError).code).toBe("listen_failed");
    expect((e as AppError).message).toBe(
      `cannot listen on 127.0.0.1:${port}: another process is using the port (EADDRINUSE); stop it, or set PORT to a free port`,
    );
  });

  it("explains privileged ports and foreign addresses; brackets IPv6 hosts", () => {
    expect((listenFailed(errno("EACCES"), "0.0.0.0", 80) as AppError).message).toBe(
      "cannot listen on 0.0.0.0:80: permission denied (EACCES; ports below 1024 need privileges); set PORT to 1024 or higher",
    );
    expect((listenFailed(errno("EADDRNOTAVAIL"), "::2", 3000) as AppError).message).toBe(
      "cannot listen on [::2]:3000: ::2 is not an address of this machine (EADDRNOTAVAIL); set HOST to one of its addresses (0.0.0.0 for all)",
    );
  });

  it("returns other errors unchanged", () => {
    const other = errno("EMFILE");
    expect(listenFailed(other, "127.0.0.1", 3000)).toBe(other);
  });
});
