/** The self-test's report and the seams tests inject (the HTTP client). */
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
export type SelftestReport = {
  server: string;
  publicBase: string;
  mcpUrl: string;
  ok: boolean;
  /** id of the first failing step, highlighted by the console. */
  firstFailure?: string;
  steps: SelftestStep[];
  ranAt: string;
};

export type HttpResult = { status: number; headers: Headers; body: string };
export type SelftestFetch = (
  url: string,
  init?: { method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
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
};
