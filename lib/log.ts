/**
 * Logs (pino): JSON lines for machines, or one readable line per event on a
 * terminal (pino-pretty). LOG_FORMAT picks: `json`, `pretty`, or `auto`
 * (pretty when standard output is a terminal). Redaction is a safety net: code
 * must not pass tokens or secrets to the logger in the first place.
 */
import pino, { type Logger } from "pino";
import pretty from "pino-pretty";

export type { Logger };

/** As LOG_FORMAT (lib/config/env.ts). */
export type LogFormat = "auto" | "json" | "pretty";

export function createLogger(level: string, destination?: pino.DestinationStream, format: LogFormat = "json"): Logger {
  const readable = !destination && (format === "pretty" || (format === "auto" && process.stdout.isTTY === true));
  return pino(
    {
      level,
      base: { service: "portcullis" },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          "*.authorization",
          "*.Authorization",
          "*.cookie",
          "*.token",
          "*.clientSecret",
          "*.password",
          "*.access_token",
          "*.refresh_token",
        ],
        censor: "[redacted]",
      },
    },
    readable
      ? pretty({
          colorize: process.stdout.isTTY === true,
          translateTime: "SYS:HH:MM:ss",
          ignore: "pid,hostname,service",
          singleLine: true,
          sync: true,
        })
      : destination,
  );
}
