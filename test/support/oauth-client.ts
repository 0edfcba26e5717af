// An in-memory OAuthClientProvider for the official MCP SDK client, plus a helper that runs the
// SDK's whole authorization flow (discovery, DCR, PKCE, code exchange) with the scripted browser.
import type { OAuthClientProvider, OAuthDiscoveryState } from "@modelcontextprotocol/sdk/client/auth.js";
import { auth as authV1 } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import { completeLogin, type CompleteLoginOptions, type LoginResult } from "./idp";

/** The shape of both SDKs' auth(): what runSdkAuthFlow passes and expects. */
type AuthFunction = (
  provider: TestOAuthClient,
  opts: { serverUrl: string; authorizationCode?: string; iss?: string; scope?: string; resourceMetadataUrl?: URL },
) => Promise<string>;

export class TestOAuthClient implements OAuthClientProvider {
  clientInfo: OAuthClientInformationMixed | undefined;
  savedTokens: OAuthTokens | undefined;
  verifier: string | undefined;
  /** Every authorization URL the SDK asked the "browser" to open. */
  authorizationUrls: URL[] = [];
  private readonly stateValue = `state-${Math.random().toString(36).slice(2)}`;

  constructor(
    readonly redirect: string = "http://127.0.0.1:8976/callback",
    readonly metadata: Partial<OAuthClientMetadata> = {},
    /** Pre-registered client (skips DCR). */
    preregistered?: OAuthClientInformationMixed,
  ) {
    this.clientInfo = preregistered;
  }

  get redirectUrl(): string {
    return this.redirect;
  }
  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: "portcullis-test-client",
      redirect_uris: [this.redirect],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      ...this.metadata,
    } as OAuthClientMetadata;
  }
  state(): string {
    return this.stateValue;
  }
  /** The `state` this client sends (what the gateway must relay back unchanged). */
  get clientState(): string {
    return this.stateValue;
  }
  /** The last authorization URL the SDK asked the "browser" to open. */
  get authorizationUrl(): URL | undefined {
    return this.authorizationUrls.at(-1);
  }
  discovery: OAuthDiscoveryState | undefined;
  saveDiscoveryState(s: OAuthDiscoveryState) {
    this.discovery = s;
  }
  discoveryState() {
    return this.discovery;
  }
  clientInformation() {
    return this.clientInfo;
  }
  saveClientInformation(info: OAuthClientInformationMixed) {
    this.clientInfo = info;
  }
  tokens() {
    return this.savedTokens;
  }
  saveTokens(tokens: OAuthTokens) {
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
  /** The most recent authorization URL. */
  get lastAuthorizationUrl(): URL | undefined {
    return this.authorizationUrls.at(-1);
  }
}

/**
 * Run the SDK's `auth()` from scratch against `serverUrl` (an MCP endpoint that answers 401 with
 * resource_metadata, or an authorization server URL), play the browser with completeLogin, then
 * exchange the code through the SDK. Returns the tokens and the login result (for assertions).
 */
export async function runSdkAuthFlow(p: {
  serverUrl: string;
  client?: TestOAuthClient;
  scope?: string;
  resourceMetadataUrl?: URL;
  login?: CompleteLoginOptions;
  /** The SDK's auth() to drive: 1.x by default; the 2.x client's (@modelcontextprotocol/client) takes the same provider. */
  auth?: AuthFunction;
}): Promise<{ tokens: OAuthTokens; login: LoginResult; client: TestOAuthClient }> {
  const client = p.client ?? new TestOAuthClient();
  const auth = p.auth ?? authV1;
  const first = await auth(client, {
    serverUrl: p.serverUrl,
    scope: p.scope,
    resourceMetadataUrl: p.resourceMetadataUrl,
  });
  if (first === "AUTHORIZED") return { tokens: client.savedTokens!, login: { callbackUrl: "", visited: [] }, client };
  const url = client.lastAuthorizationUrl;
  if (!url) throw new Error("SDK did not request a redirect to the authorization endpoint");
  const login = await completeLogin(url.href, { redirectUri: client.redirectUrl, ...p.login });
  if (login.error) throw new Error(`authorization failed: ${login.error} ${login.errorDescription ?? ""}`);
  if (login.state !== client.state()) throw new Error(`state mismatch: ${login.state}`);
  const second = await auth(client, {
    serverUrl: p.serverUrl,
    authorizationCode: login.code,
    iss: login.iss,
    scope: p.scope,
    resourceMetadataUrl: p.resourceMetadataUrl,
  });
  if (second !== "AUTHORIZED" || !client.savedTokens) throw new Error(`SDK auth did not complete: ${second}`);
  return { tokens: client.savedTokens, login, client };
}
