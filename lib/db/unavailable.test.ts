import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "./unavailable";

const prismaError = (code: string, meta?: unknown, message = "Invalid invocation") =>
  Object.assign(new Error(message), { name: "PrismaClientKnownRequestError", code, meta });
const adapter = (cause: unknown) => ({ driverAdapterError: { name: "DriverAdapterError", cause } });

describe("isDatabaseUnavailable", () => {
  it("recognises an unreachable server, a cut connection and a server shutting down", () => {
    // As thrown by @prisma/adapter-pg with PostgreSQL stopped (a model query, then a raw query).
    expect(isDatabaseUnavailable(prismaError("P1001", adapter({ kind: "DatabaseNotReachable", port: 5 })))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", adapter({ kind: "DatabaseNotReachable" })))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", adapter({ kind: "ConnectionClosed" })))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2010", adapter({ kind: "postgres", code: "57P01" })))).toBe(true);
    expect(isDatabaseUnavailable(prismaError("P2024"))).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("Can't reach database server at 10.0.0.5:5432"), {
          name: "PrismaClientInitializationError",
        }),
      ),
    ).toBe(true);
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("x"), { name: "DriverAdapterError", cause: { kind: "SocketTimeout" } }),
      ),
    ).toBe(true);
  });

  it("leaves query errors, constraint violations and non-database failures alone", () => {
    expect(isDatabaseUnavailable(prismaError("P2002"))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2010", adapter({ kind: "postgres", code: "42P01" })))).toBe(false);
    expect(isDatabaseUnavailable(prismaError("P2010", adapter({ kind: "UniqueConstraintViolation" })))).toBe(false);
    // An IdP or upstream that refuses connections is not a database outage.
    expect(isDatabaseUnavailable(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }))).toBe(
      false,
    );
    expect(
      isDatabaseUnavailable(
        Object.assign(new Error("fetch failed"), { code: "fetch_failed", cause: { code: "ECONNREFUSED" } }),
      ),
    ).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
    expect(isDatabaseUnavailable("Can't reach database server")).toBe(false);
  });
});
