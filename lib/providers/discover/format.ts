/** Human-readable rendering of a discovery report (the CLI's default output). */
import type { DiscoveryReport } from "./report";

export function formatDiscoveryReport(r: DiscoveryReport): string {
  const yn = (v: boolean | null) => (v === null ? "unknown" : v ? "yes" : "no");
  const lines: string[] = [];
  lines.push(`provider ${r.provider.name} (${r.profile.label}), issuer ${r.provider.issuer}`);
  lines.push("", "documents:");
  for (const d of r.documents) {
    const what = d.found
      ? `found${d.issuerMatches ? "" : ` (issuer ${JSON.stringify(d.issuer)})`}`
      : `not found${d.error ? `: ${d.error.message}` : ""}`;
    lines.push(`  ${d.form.padEnd(14)} ${d.url}  ${what}`);
  }
  if (r.metadata) {
    lines.push("", `metadata (from ${r.metadata.source}):`);
    lines.push(`  authorization ${r.metadata.authorizationEndpoint ?? "-"}`);
    lines.push(`  token         ${r.metadata.tokenEndpoint ?? "-"}`);
    lines.push(`  registration  ${r.metadata.registrationEndpoint ?? "-"}`);
    lines.push(`  jwks          ${r.metadata.jwksUri ?? "-"} (${r.metadata.jwksSource ?? "none"})`);
  }
  const c = r.capabilities;
  lines.push("", "capabilities:");
  lines.push(`  PKCE S256             ${yn(c.pkceS256)}${c.pkceMethods ? ` [${c.pkceMethods.join(", ")}]` : ""}`);
  lines.push(`  dynamic registration  ${yn(c.dynamicRegistration)}`);
  lines.push(
    `  resource indicators   ${yn(c.resourceIndicators)} (profile: ${r.profile.resourceIndicators ? "honoured" : "not honoured"})`,
  );
  lines.push(`  iss response param    ${yn(c.issResponseParameter)}`);
  if (c.tokenEndpointAuthMethods) lines.push(`  token auth methods    ${c.tokenEndpointAuthMethods.join(", ")}`);
  if (r.jwks)
    lines.push(
      `  JWKS                  ${r.jwks.reachable ? `reachable, keys: ${r.jwks.keyIds.join(", ") || "(no kid)"}` : `unreachable: ${r.jwks.error?.message}`}`,
    );
  lines.push("", `audience: ${r.profile.audience}`);
  if (r.quirks.length) {
    lines.push("", "what Portcullis adapts:");
    for (const q of r.quirks) lines.push(`  - ${q.description}`);
    for (const n of r.profile.notes) lines.push(`  - ${n}`);
  }
  lines.push("", r.problems.length ? "problems:" : "no problems found");
  for (const p of r.problems) lines.push(`  ${p.severity === "error" ? "ERROR" : "warn "} ${p.item}: ${p.message}`);
  return lines.join("\n");
}
