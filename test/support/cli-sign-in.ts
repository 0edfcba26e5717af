// The browser step for MCP clients that print an authorization URL and wait on a loopback callback
// of their own (mcp-remote, the Inspector CLI): given the URL the client printed, play the user at
// the gateway's consent page and the IdP's login (completeLogin), then deliver the final redirect
// to the client's callback as the browser would.
import { consentHook } from "../oauth-helpers";
import { completeLogin, CookieJar, type CompleteLoginOptions, type LoginResult } from "./idp";

export interface SignInOptions {
  /** The gateway consent page's answer (default approve). */
  consent?: "approve" | "deny";
  /** The same jar across sign-ins models one browser (remembered consent). */
  jar?: CookieJar;
  login?: Omit<CompleteLoginOptions, "redirectUri" | "jar" | "onPage">;
  /** Consent pages seen (HTML), for assertions. */
  pages?: string[];
}

export interface SignInResult {
  login: LoginResult;
  /** What the client's callback answered. */
  callback: { status: number; body: string };
}

/** Completes the sign-in that `authorizeUrl` starts and hands the result to the client's redirect_uri. */
export async function signIn(authorizeUrl: string, opts: SignInOptions = {}): Promise<SignInResult> {
  const redirectUri = new URL(authorizeUrl).searchParams.get("redirect_uri");
  if (!redirectUri) throw new Error(`signIn: no redirect_uri in ${authorizeUrl}`);
  const seen = { pages: [] as string[] };
  const login = await completeLogin(authorizeUrl, {
    ...opts.login,
    redirectUri,
    jar: opts.jar ?? new CookieJar(),
    onPage: consentHook(opts.consent ?? "approve", seen),
  });
  opts.pages?.push(...seen.pages);
  const r = await fetch(login.callbackUrl, { signal: AbortSignal.timeout(30_000) });
  return { login, callback: { status: r.status, body: await r.text() } };
}
