// A cluster's metrics: the primary and two node:cluster workers count in their own registries; the
// aggregate (what /metrics serves, from the primary or, on a single port, from a worker that asks the
// primary) sums the counters and histograms, takes the workers' oldest JWKS age and the lowest config
// version.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/gateway";
import { parsePrometheus, sampleValue } from "./support/prometheus-text";

describe("metrics across node:cluster workers", () => {
  it("the primary and a worker both serve every process's metrics, aggregated", () => {
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
    const [fromPrimary, fromWorker] = r.stdout.split("# ---\n");
    expect(fromWorker).toBeDefined();
    for (const text of [fromPrimary, fromWorker]) {
      const f = parsePrometheus(text);
      expect(sampleValue(f, "portcullis_mcp_requests_total", { server: "echo", outcome: "accepted" })).toBe(3);
      expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_count", { server: "echo" })).toBe(3);
      expect(sampleValue(f, "portcullis_mcp_request_duration_seconds_bucket", { server: "echo", le: "0.0025" })).toBe(
        3,
      );
      expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "kc", cached: "true" })).toBe(1);
      expect(sampleValue(f, "portcullis_token_verifications_total", { provider: "kc", cached: "false" })).toBe(1);
      expect(sampleValue(f, "portcullis_jwks_fetches_total", { provider: "kc", result: "ok" })).toBe(3);
      expect(sampleValue(f, "portcullis_jwks_age_seconds", { provider: "kc" })).toBe(120);
      expect(sampleValue(f, "portcullis_config_version")).toBe(10);
      // Worker 1 cannot reach the database: the replica reports it down.
      expect(sampleValue(f, "portcullis_database_up")).toBe(0);
      expect(f.has("process_cpu_user_seconds_total")).toBe(true);
    }
  });
});
