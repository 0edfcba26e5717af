/**
 * The token inspector, shared by `POST /api/inspect` and `portcullis inspect`:
 * pick the server (given, or guessed from the token's unverified `iss`/`aud`),
 * run the proxy's own verification pipeline on it (uncached), and return the
 * whole diagnosis. The token is never stored or logged: only its fingerprint
 * travels in the diagnosis.
 */
import { AppError } from "../errors";
import type { Runtime } from "../runtime/types";
import type { RuntimeProvider, RuntimeServer } from "../config/model";
import { decodeJws } from "../tokens/decode";
import { checkFormat } from "../tokens/checks/format";
import type { CheckContext } from "../tokens/checks/context";
import { tokenAudiences } from "../tokens/claims";
import type { Check, Diagnosis, ExpectedAudience } from "../tokens/types";

export type ServerPick = {
  /** How the server was chosen. */
  by: "given" | "iss_and_aud" | "iss" | "only_server";
  /** Other servers that also matched (the console offers them). */
  alternatives: string[];
};

export type InspectResult = {
  server: string;
  pick: ServerPick;
  diagnosis: Diagnosis;
  /** Set when the server's resource URL (an accepted audience) cannot be known here: why, and what to pass. */
  resourceUrlUnknown?: string;
  /** Set when that unknown decides the verdict (only the audience fails, and the token names a URL). */
  undetermined?: string;
};

/**
 * `requestBase`: the public base URL the client uses (the console's own address, `portcullis inspect --url`);
 * the server's public URLs and PUBLIC_URL count as well, as they do on the gateway.
 */
export type InspectInput = { token: string; server?: string; requestBase?: URL };

export async function inspectToken(runtime: Runtime, input: InspectInput): Promise<InspectResult> {
  const token = input.token.trim().replace(/^Bearer\s+/i, "");
  if (!token)
    throw new AppError("validation_failed", "paste a token", { fields: [{ path: "token", message: "is required" }] });
  const tokens = runtime.tokens;
  const pick = input.server
    ? { server: input.server, by: "given" as const, alternatives: [] }
    : pickServer(runtime, token, (name) => safeAudiences(() => tokens.expectedAudiences(name, input.requestBase)));
  const diagnosis = await tokens.verifyForServer(pick.server, token, { requestBase: input.requestBase });
  const { cached: _cached, ...rest } = diagnosis as Diagnosis & { cached?: boolean };
  return {
    server: pick.server,
    pick: { by: pick.by, alternatives: pick.alternatives },
    diagnosis: rest,
    ...resourceUrlKnowledge(runtime, pick.server, input.requestBase, rest),
  };
}

/**
 * Without a request, a public URL of the server or PUBLIC_URL, the gateway takes the resource URL from each
 * request's Host header: say so, and call the verdict undetermined when the audience alone decides it.
 */
function resourceUrlKnowledge(
  runtime: Runtime,
  name: string,
  requestBase: URL | undefined,
  d: Diagnosis,
): Pick<InspectResult, "resourceUrlUnknown" | "undetermined"> {
  const server = runtime.config.current().servers.get(name);
  if (requestBase || runtime.env.PUBLIC_URL || !server || server.publicUrls.length > 0) return {};
  const resourceUrlUnknown = `server ${name} has no public URL and PUBLIC_URL is unset, so the gateway takes its resource URL (an accepted audience) from the Host of each request; pass --url with the base URL clients use (e.g. --url https://mcp.example.com) to check against it`;
  const failing = d.checks.filter((c) => c.status === "fail");
  const urls = (d.claims ? (tokenAudiences(d.claims) ?? []) : []).filter((a) => /^https?:\/\//i.test(a));
  const onlyAud = d.verdict === "reject" && failing.length === 1 && failing[0].id === "aud";
  if (!onlyAud || urls.length === 0) return { resourceUrlUnknown };
  return {
    resourceUrlUnknown,
    undetermined: `the token's aud ${urls.join(", ")} may be this server's resource URL, which depends on the URL clients use; pass --url (e.g. --url ${new URL(urls[0]).origin})`,
  };
}

const safeAudiences = (f: () => ExpectedAudience[]) => {
  try {
    return f();
  } catch {
    return [];
  }
};

const sameIssuer = (a: string, b: string) => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

/**
 * OAuth servers whose provider issued the token (`iss`, trailing slash
 * tolerated), preferring one that accepts its `aud`. Unverified claims only
 * choose where to run the checks; they decide nothing.
 */
export function pickServer(
  runtime: Runtime,
  token: string,
  audiencesOf: (server: string) => ExpectedAudience[],
): { server: string; by: ServerPick["by"]; alternatives: string[] } {
  const decoded = decodeJws(token);
  // Not a JWT says more than "pick a server": say it first, in the pipeline's own words.
  if (!decoded.ok) {
    const format = checkFormat({ token } as CheckContext);
    throw new AppError("validation_failed", format.message, {
      fields: [{ path: "token", message: format.hint ? `${format.message}. ${format.hint}` : format.message }],
    });
  }
  const { servers, providers } = runtime.config.current();
  const oauth = [...servers.values()].filter(
    (s): s is RuntimeServer & { oauth: NonNullable<RuntimeServer["oauth"]> } => s.auth === "oauth" && !!s.oauth,
  );
  if (oauth.length === 0)
    throw new AppError("validation_failed", "no server uses OAuth: create one first", {
      fields: [{ path: "server", message: "no OAuth server to inspect against" }],
    });
  const claims = decoded.decoded.claims;
  const iss = typeof claims?.iss === "string" ? claims.iss : undefined;
  const auds = tokenAudiences(claims) ?? [];
  const byIss = iss
    ? oauth.filter((s) => {
        const p: RuntimeProvider | undefined = providers.get(s.oauth.provider);
        return p && sameIssuer(p.issuer, iss);
      })
    : [];
  const byAud = byIss.filter((s) => audiencesOf(s.name).some((e) => auds.includes(e.value)));
  const names = (xs: RuntimeServer[]) => xs.map((s) => s.name);
  if (byAud.length)
    return { server: byAud[0].name, by: "iss_and_aud", alternatives: names(byIss).filter((n) => n !== byAud[0].name) };
  if (byIss.length) return { server: byIss[0].name, by: "iss", alternatives: names(byIss.slice(1)) };
  if (oauth.length === 1) return { server: oauth[0].name, by: "only_server", alternatives: [] };
  throw new AppError(
    "validation_failed",
    iss
      ? `no server accepts tokens from issuer ${iss}: pick a server`
      : "cannot tell which server this token is for: pick a server",
    {
      fields: [{ path: "server", message: "pick a server" }],
    },
  );
}

/** Plain-text rendering for the CLI. */
export function formatDiagnosis(r: InspectResult): string {
  const d = r.diagnosis;
  const lines: string[] = [];
  lines.push(`server ${r.server} · provider ${d.provider} · token ${d.fingerprint}`);
  if (r.resourceUrlUnknown) lines.push(`note: ${r.resourceUrlUnknown}`);
  lines.push(
    r.undetermined
      ? `UNDETERMINED: ${r.undetermined}`
      : d.verdict === "accept"
        ? "ACCEPTED"
        : `REJECTED (${d.httpStatus}${d.oauthError ? ` ${d.oauthError}` : ""}): ${d.failed?.message ?? d.errorDescription ?? ""}`,
  );
  lines.push("");
  const mark: Record<Check["status"], string> = { pass: "ok  ", fail: "FAIL", warn: "warn", skip: "skip" };
  for (const c of d.checks) {
    lines.push(`  ${mark[c.status]} ${c.id.padEnd(12)} ${c.message}${c.unverified ? " (unverified)" : ""}`);
    if (c.status === "fail" || c.status === "warn") {
      if (c.expected !== undefined && c.id !== "aud") lines.push(`         expected: ${JSON.stringify(c.expected)}`);
      if (c.actual !== undefined) lines.push(`         actual:   ${JSON.stringify(c.actual)}`);
      if (c.hint) lines.push(`         hint: ${c.hint}`);
      if (c.fix) lines.push(`         fix: ${c.fix.label}`);
    }
  }
  const aud = d.checks.find((c) => c.id === "aud");
  if (Array.isArray(aud?.expected) && aud.expected.length) {
    lines.push("", "expected audiences:");
    for (const e of aud.expected as unknown as ExpectedAudience[]) lines.push(`  ${e.value}  (${e.detail})`);
  }
  return lines.join("\n");
}
