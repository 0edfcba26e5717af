import { nextRequestSeq } from "./request-id";

/**
 * Per-request facts shared by the gateway's handlers and the access log.
 * The full URL is parsed only when a handler asks for it: MCP requests are
 * routed on the raw path (see routePath), and a URL parse per request is a
 * visible share of the proxy's cost.
 */
export class RequestContext {
  /** Request number in this process; `formatRequestId(seq)` is the id shown in logs and the console. */
  readonly seq = nextRequestSeq();
  /** performance.now() when the request arrived. */
  readonly startedAt = performance.now();
  /** The request target's path, as sent (not normalised). */
  readonly rawPath: string;
  /** The request target's query including "?", as sent; "" when none. */
  readonly rawSearch: string;
  /** Set by a handler that served a virtual server: logged as `server`. */
  serverName?: string;
  /** Short machine-readable outcome for the access log (e.g. "accepted", "rejected:aud_mismatch"). */
  outcome?: string;
  /** Route template for traces (`/oauth/{provider}/token`), set by handlers that serve templated paths. */
  route?: string;
  #url?: URL;

  constructor(readonly target: string) {
    const q = target.indexOf("?");
    this.rawPath = q === -1 ? target : target.slice(0, q);
    this.rawSearch = q === -1 ? "" : target.slice(q);
  }

  /** The request URL, WHATWG-normalised (dot segments resolved, `\` → `/`), on a placeholder origin. */
  get url(): URL {
    return (this.#url ??= new URL(this.target, "http://gateway.invalid"));
  }
}
