import type { Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { CachedDiagnosis, VerifyTarget } from "../tokens";
import { rememberedVerdict, rememberVerdict, shapeClientSocket } from "./connection-verdict";

const target = {} as VerifyTarget;
const verdict = (_over: Partial<CachedDiagnosis> = {}) =>
  ({ verdict: "accept", cached: true, cachedUntil: 10_000, subject: "u" }) as CachedDiagnosis & typeof _over;

describe("connection verdict memo", () => {
  it("serves the connection's last cached verdict for the same token and target until the cache entry ends", () => {
    const socket = {} as Socket;
    const v = verdict();
    rememberVerdict(socket, "tok", target, v);
    expect(rememberedVerdict(socket, "tok", target, 9_999)).toBe(v);
    expect(rememberedVerdict(socket, "tok2", target, 9_999)).toBeUndefined(); // another token: full lookup
    expect(rememberedVerdict(socket, "tok", {} as VerifyTarget, 9_999)).toBeUndefined(); // config changed: new target
    expect(rememberedVerdict({} as Socket, "tok", target, 9_999)).toBeUndefined(); // another connection
    expect(rememberedVerdict(socket, "tok", target, 10_000)).toBeUndefined(); // the verifier would have let go
    expect(rememberedVerdict(socket, "tok", target, 1)).toBeUndefined(); // and it is forgotten
  });

  it("remembers only accepted verdicts that came from the verifier's cache", () => {
    const socket = {} as Socket;
    rememberVerdict(socket, "tok", target, { ...verdict(), cached: false } as CachedDiagnosis);
    rememberVerdict(socket, "tok", target, { ...verdict(), cachedUntil: undefined } as CachedDiagnosis);
    rememberVerdict(socket, "tok", target, { ...verdict(), verdict: "reject" } as CachedDiagnosis);
    expect(rememberedVerdict(socket, "tok", target, 0)).toBeUndefined();
  });

  it("a socket shaped at accept starts with no verdict, then memoises as any other", () => {
    const socket = { remoteAddress: "127.0.0.1" } as Socket;
    shapeClientSocket(socket);
    expect(rememberedVerdict(socket, "tok", target, 0)).toBeUndefined();
    const v = verdict();
    rememberVerdict(socket, "tok", target, v);
    expect(rememberedVerdict(socket, "tok", target, 0)).toBe(v);
  });
});
