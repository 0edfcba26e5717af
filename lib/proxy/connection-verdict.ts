/**
 * The last cached verdict of each client connection. MCP clients keep one
 * connection open and send the same bearer token on every request; comparing
 * the token with the one this connection sent last is far cheaper than hashing
 * it (sha256 of ~1 KB) to look up the verifier's cache on every request.
 *
 * Safe by construction: the whole token must be equal (no hash to collide),
 * the target must be the very same object (any config change compiles new
 * targets), and the memo expires with the verifier's own cache entry, so a
 * verdict never outlives what the verifier would have served. Only accepted,
 * cached verdicts are remembered. The token lives on the socket no longer than
 * the request's own headers do in practice, and never past `cachedUntil`.
 */
import type { Socket } from "node:net";
import type { CachedDiagnosis, VerifyTarget } from "../tokens";

// On the socket as a symbol property: a Map or WeakMap keyed by the socket is slower (see lib/proxy/upstream.ts).
const LAST = Symbol("portcullis.lastVerdict");
type Memo = { token: string; target: VerifyTarget; verdict: CachedDiagnosis; until: number };
type WithMemo = Socket & { [LAST]?: Memo };

/**
 * Called for every accepted connection, before it carries a request. V8 gives an object a new hidden class
 * each time it gains a property; the gateway adds two to client sockets (this memo, and Node's cached
 * `_peername` the first time `remoteAddress` is read). Added mid-life, they split client sockets across
 * extra hidden classes, and Node's socket and stream code, which sees every socket, goes megamorphic.
 * Added here, at accept, every client socket takes the same path.
 */
export function shapeClientSocket(socket: Socket): void {
  void socket.remoteAddress;
  (socket as WithMemo)[LAST] = undefined;
}

export function rememberedVerdict(
  socket: Socket,
  token: string,
  target: VerifyTarget,
  now: number,
): CachedDiagnosis | undefined {
  const m = (socket as WithMemo)[LAST];
  if (m === undefined || m.target !== target || m.token !== token) return undefined;
  if (now >= m.until) {
    (socket as WithMemo)[LAST] = undefined;
    return undefined;
  }
  return m.verdict;
}

export function rememberVerdict(socket: Socket, token: string, target: VerifyTarget, verdict: CachedDiagnosis): void {
  if (!verdict.cached || verdict.cachedUntil === undefined || verdict.verdict !== "accept") return;
  (socket as WithMemo)[LAST] = { token, target, verdict, until: verdict.cachedUntil };
}
