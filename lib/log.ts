/**
 * Structured JSON logs (pino). Redaction is a safety net: code must not pass
 * tokens or secrets to the logger in the first place.
 */
import pino, { type Logger } from "pino";

export type { Logger };

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
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
    destination,
  );
}
