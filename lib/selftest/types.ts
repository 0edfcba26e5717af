/** The self-test's report and the seams tests inject (the HTTP client, the upstream probe, token checks). */
import type { AudienceAdvice } from "../providers/audience-advice";
import type { ProbeResult } from "../status/upstream-probe";
import type { Diagnosis } from "../tokens/types";

export type StepStatus = "pass" | "fail" | "warn" | "skip";
export type SelftestStep = {
  id: string;
  title: string;
  status: StepStatus;
  detail: string;
  url?: string;
  expected?: string;
  actual?: string;
  hint?: string;
};
/** A layout that a named client is known to trip over. */
export type ClientNote = {
  id: string;
  client: string;
  detail: string;
  expected?: string;
  actual?: string;
  hint?: string;
};
export type SelftestReport = {
  server: string;
  publicBase: string;
  mcpUrl: string;
  ok: boolean;
  /** id of the first failing step, highlighted by the console. */
  firstFailure?: string;
  steps: SelftestStep[];
  /** Layouts known to break a particular client (not failures: other clients work). */
  clientNotes: ClientNote[];
  ranAt: string;
};

export type HttpResult = { status: number; headers: Headers; body: string };
export type SelftestFetch = (
  url: string,
  init?: { method?: "GET" | "POST" | "DELETE"; headers?: Record<string, string>; body?: string },
) => Promise<HttpResult>;

export type SelftestOptions = {
  server: string;
  /** The public base the client uses (the server's public URL, PUBLIC_URL, or the console's address). */
  publicBase: string;
  /** `http://127.0.0.1:PORT` — where this gateway listens. */
  loopback: string;
  /** The server's MCP URL at that public base. */
  mcpUrl: string;
  timeoutMs?: number;
  /** Injectable for tests. */
  fetch?: SelftestFetch;
  /** The upstream MCP server, with the credential the gateway sends it: checked directly with an MCP ping. */
  upstream?: { url: string; headers?: Record<string, string> };
  /** Injectable for tests: lib/status's upstream probe. */
  probe?: (url: string, opts: { headers?: Record<string, string> }) => Promise<ProbeResult>;
  /** A client's access token: its verdict, then one MCP request with it through the gateway. Never stored. */
  token?: string;
  /** The gateway's own verification of a token for this server (the proxy's pipeline, uncached). */
  verifyToken?: (token: string) => Promise<Diagnosis>;
  /** What the provider's tokens carry in `aud` and whether the server accepts it: the check when no token is given. */
  audience?: AudienceAdvice;
  /** The client ends ("address:port") of the self-test's connections to the gateway, so the live log marks them. */
  selfConnections?: Set<string>;
};
