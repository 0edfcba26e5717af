// The v2 SDK client (@modelcontextprotocol/client 2.x, the 2026-07-28 line) with an in-memory
// OAuthClientProvider, and its whole authorization flow (discovery, DCR or a client ID metadata
// document, PKCE, RFC 9207 iss) with the scripted browser.
import {
  auth,
  type OAuthClientMetadata,
  type OAuthClientProvider,
  type StoredOAuthClientInformation,
  type StoredOAuthTokens,
} from "@modelcontextprotocol/client";
import { completeLogin, type CompleteLoginOptions, type LoginResult } from "./idp";

export class V2OAuthClient implements OAuthClientProvider {
  clientInfo: StoredOAuthClientInformation | undefined;
  savedTokens: StoredOAuthTokens | undefined;
  private verifier: string | undefined;
  authorizationUrls: URL[] = [];
  readonly clientState = `state-${Math.random().toString(36).slice(2)}`;

  constructor(
    readonly redirect: string,
    /** A client ID metadata document URL (CIMD): used instead of DCR when the server supports it. */
    readonly clientMetadataUrl?: string,
  ) {}

  get redirectUrl(): string {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "portcullis-test-v2-client",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }
  state() {
    return this.clientState;
  }
  clientInformation() {
    return this.clientInfo;
  }
  saveClientInformation(info: StoredOAuthClientInformation) {
    this.clientInfo = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: StoredOAuthTokens) {
    this.savedTokens = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrls.push(url);
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    if (!this.verifier) throw new Error("no code verifier saved");
    return this.verifier;
  }
}

/** Runs auth() to the redirect, plays the browser, then exchanges the code through auth() again. */
export async function runV2AuthFlow(p: {
  serverUrl: string;
  client: V2OAuthClient;
  login?: CompleteLoginOptions;
}): Promise<{ tokens: StoredOAuthTokens; login: LoginResult }> {
  if ((await auth(p.client, { serverUrl: p.serverUrl })) !== "REDIRECT")
    throw new Error("the v2 client did not ask for a redirect");
  const url = p.client.authorizationUrls.at(-1)!;
  const login = await completeLogin(url.href, { redirectUri: p.client.redirectUrl, ...p.login });
  if (login.error) throw new Error(`authorization failed: ${login.error} ${login.errorDescription ?? ""}`);
  if (login.state !== p.client.clientState) throw new Error(`state mismatch: ${login.state}`);
  const done = await auth(p.client, { serverUrl: p.serverUrl, authorizationCode: login.code, iss: login.iss });
  if (done !== "AUTHORIZED" || !p.client.savedTokens) throw new Error(`v2 auth did not complete: ${done}`);
  return { tokens: p.client.savedTokens, login };
}
