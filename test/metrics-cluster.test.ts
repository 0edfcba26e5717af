// A cluster's metrics: two node:cluster workers count in their own registries; the primary's
// aggregate (what /metrics serves there) sums the counters and histograms, and takes the oldest JWKS
// age and the lowest config version.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/gateway";
import { parsePrometheus, sampleValue } from "./support/prometheus-text";

describe("metrics across node:cluster workers", () => {
  it("the primary serves every worker's metrics, aggregated", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", join(REPO_ROOT, "test/support/fixtures/metrics-cluster.ts")],
      {
        cwd: REPO_ROOT,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(r.status, r.stderr).toBe(0);
    const f = parsePrometheus(r.stdout);
    expect(sampleValue(f, "portcullis_mcp_requests_total", { server: "echo", outcome: "accepted" })).toBe(3);
    expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_count", { server: "echo" })).toBe(3);
    expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "kc", cached: "true" })).toBe(1);
    expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "kc", cached: "false" })).toBe(1);
    expect(sampleValue(f, "portcullis_jwks_age_seconds", { provider: "kc" })).toBe(120);
    expect(sampleValue(f, "portcullis_config_version")).toBe(10);
    expect(f.has("process_cpu_user_seconds_total")).toBe(true);
  });
});
