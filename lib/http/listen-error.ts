/**
 * Why the server could not listen, as an AppError that says what to change (instead of Node's raw
 * `listen EADDRINUSE` error object). The message keeps the errno code, for searches and for
 * test/support/gateway.ts, which retries another port on EADDRINUSE. Other errors are returned unchanged.
 */
import { AppError } from "../errors";

export function listenFailed(
  e: unknown,
  host: string,
  port: number,
  vars: { host: string; port: string } = { host: "HOST", port: "PORT" },
): unknown {
  const where = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  switch ((e as NodeJS.ErrnoException | undefined)?.code) {
    case "EADDRINUSE":
      return new AppError(
        "listen_failed",
        `cannot listen on ${where}: another process is using the port (EADDRINUSE); stop it, or set ${vars.port} to a free port`,
        { cause: e },
      );
    case "EACCES":
      return new AppError(
        "listen_failed",
        `cannot listen on ${where}: permission denied (EACCES; ports below 1024 need privileges); set ${vars.port} to 1024 or higher`,
        { cause: e },
      );
    case "EADDRNOTAVAIL":
      return new AppError(
        "listen_failed",
        `cannot listen on ${where}: ${host} is not an address of this machine (EADDRNOTAVAIL); set ${vars.host} to one of its addresses (0.0.0.0 for all)`,
        { cause: e },
      );
    default:
      return e;
  }
}
