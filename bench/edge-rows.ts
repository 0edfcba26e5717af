/**
 * The edge and observability rows of `npm run bench` (docs/performance.md, "Edge and observability
 * rows"), in alternating rounds of their own:
 *   (n)  bare nginx → upstream
 *   (f)  nginx with forward-auth (docs/examples/nginx-forward-auth.conf as shipped: verdicts cached by nginx)
 *   (fx) the same without nginx's verdict cache: every request asks the gateway
 *   (c)  Portcullis, one JWT, single-process (metrics on, tracing off: the defaults), the reference of m, t,
 *        h and w, run whenever one of them is
 *   (m)  the same with PORTCULLIS_METRICS=false
 *   (t)  the same with tracing on, exporting to a local OTLP sink (every request sampled)
 *   (h)  the build of BENCH_BASE_REF (a git ref, e.g. the merge base): no metrics or tracing code at all
 *   (w)  the same as (c) with PORTCULLIS_WORKERS=2: a cluster primary and two workers
 * Each gateway configuration (c, m, t, h, w) runs in `processes` processes, used in turn by round, and the
 * rows' order rotates each round. Each row reports req/s and the CPU µs per request of its proxy processes:
 * nginx's master and worker and, behind it, the gateway for (f)/(fx); the gateway's primary and workers for
 * (w); the gateway for the others.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startGateway, type Gateway } from "../test/support/gateway";
import { startNginx, type Nginx } from "../test/support/nginx";
import { cannon, type CannonResult } from "./load";
import { processCpuUs, withChildren } from "./proc-stats";
import { roundOrder, type EdgeRowKey } from "./rows";

/** The edge rows and their reference row (c). */
type Key = EdgeRowKey | "c";

export type EdgeContext = {
  root: string;
  rows: readonly EdgeRowKey[];
  rounds: number;
  roundS: number;
  warmupS: number;
  connections: number;
  /** Processes per gateway configuration (c, m, t, h, w), used in turn by round. */
  processes: number;
  body: string;
  headers: Record<string, string>;
  upstreamUrl: string;
  /** The upstream's process: its CPU time counts in each row's whole path. */
  upstreamPid: number;
  /** Gateway config (YAML) for one server `bench` in front of the upstream. */
  config: string;
  /** Gateway environment as npm start sets it (LOG_LEVEL=warn and the console setting included). */
  env: Record<string, string | undefined>;
  /** Signs a token accepted for these audiences. */
  sign: (aud: string[]) => Promise<string>;
  otlpSinkUrl?: string;
  baseRef?: string;
};

const BARE_NGINX = `
upstream mcp_upstream {
  server {{UPSTREAM}};
  keepalive 32;
}
server {
  listen {{LISTEN}};
  location / {
    proxy_pass http://mcp_upstream;
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_buffering off;
  }
}
`;

const sumCpu = (pids: number[]) => pids.reduce((s, p) => s + processCpuUs(p), 0);

/** Another git ref's tree (git archive) with this checkout's packages and its own bundle, to start gateways from. */
function buildBase(ctx: EdgeContext): { root: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-base-"));
  const archive = execFileSync("git", ["archive", "--format=tar", ctx.baseRef!], { cwd: ctx.root, maxBuffer: 1 << 30 });
  spawnSync("tar", ["-x", "-C", dir], { input: archive });
  symlinkSync(join(ctx.root, "node_modules"), join(dir, "node_modules"));
  cpSync(join(ctx.root, "lib/db/generated"), join(dir, "lib/db/generated"), { recursive: true });
  if (existsSync(join(ctx.root, ".next"))) symlinkSync(join(ctx.root, ".next"), join(dir, ".next"));
  const built = spawnSync(process.execPath, [join(dir, "scripts/build-server.mjs")], { cwd: dir, encoding: "utf8" });
  if (built.status !== 0) throw new Error(`building ${ctx.baseRef} failed: ${built.stderr}`);
  return { root: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function runEdgeRows(ctx: EdgeContext) {
  /** `hops`: the proxy processes a row is charged the CPU time of, by name (nginx: master and worker). */
  type Target = { url: string; headers: Record<string, string>; hops: () => Record<string, number[]> };
  /** A gateway row has a process per `ctx.processes`, used in turn by round; the other rows one target. */
  type Row = { key: Key; label: string; targets: Target[] };
  const rows: Row[] = [];
  const stops: (() => Promise<void> | void)[] = [];
  const upstreamHost = new URL(ctx.upstreamUrl).host;
  const serverPath = "/servers/bench/mcp";
  const want = (k: Key) =>
    k === "c" ? ctx.rows.some((r) => r === "m" || r === "t" || r === "h" || r === "w") : ctx.rows.includes(k);
  try {
    if (want("n")) {
      const n = await startNginx(BARE_NGINX, { UPSTREAM: upstreamHost });
      stops.push(n.stop);
      rows.push({
        key: "n",
        label: "(n) bare nginx",
        targets: [{ url: `${n.url}/mcp`, headers: ctx.headers, hops: () => ({ nginx: withChildren(n.pid) }) }],
      });
    }
    if (want("f") || want("fx")) {
      const fa = await startGateway({
        built: true,
        env: { ...ctx.env, TRUSTED_PROXIES: "loopback" },
        config: ctx.config,
      });
      stops.push(fa.stop);
      const template = readFileSync(join(ctx.root, "docs/examples/nginx-forward-auth.conf"), "utf8");
      const upstream = new URL(ctx.upstreamUrl);
      const values = {
        PORTCULLIS: `127.0.0.1:${fa.port}`,
        MCP_PATH: serverPath,
        MCP_SERVER: upstream.host,
        MCP_SERVER_PATH: upstream.pathname,
      };
      const variants: [Key, string, string][] = [
        ["f", "(f) nginx + forward-auth", template],
        [
          "fx",
          "(fx) nginx + forward-auth, no verdict cache",
          template.replace(/^\s*proxy_cache portcullis_verdicts;$/m, "    proxy_cache off;"),
        ],
      ];
      for (const [key, label, site] of variants) {
        if (!want(key)) continue;
        const nginx: Nginx = await startNginx(site, values);
        stops.push(nginx.stop);
        const token = await ctx.sign([`${nginx.url}${serverPath}`]);
        rows.push({
          key,
          label,
          targets: [
            {
              url: `${nginx.url}${serverPath}`,
              headers: { ...ctx.headers, authorization: `Bearer ${token}` },
              hops: () => ({ nginx: withChildren(nginx.pid), gateway: [fa.pid] }),
            },
          ],
        });
      }
    }
    // Each configuration in `ctx.processes` processes of its own, used in turn: a process's own luck (where the
    // scheduler keeps it, what its heap went through) is a few per cent, as much as what some rows compare.
    const gatewayRow = async (key: Key, label: string, start: () => Promise<Gateway>) => {
      if (!want(key)) return;
      const targets: Target[] = [];
      // No more processes than rounds to use them in.
      for (let i = 0; i < Math.min(ctx.processes, ctx.rounds); i++) {
        const gw = await start();
        const token = await ctx.sign([`${gw.url}${serverPath}`]);
        targets.push({
          url: `${gw.url}${serverPath}`,
          headers: { ...ctx.headers, authorization: `Bearer ${token}` },
          // A cluster's primary and workers; a single process has no children.
          hops: () => ({ gateway: withChildren(gw.pid) }),
        });
      }
      rows.push({ key, label, targets });
    };
    const started = async (env: Record<string, string | undefined>, root?: string) => {
      const gw = await startGateway({ built: true, root, env: { ...ctx.env, ...env }, config: ctx.config });
      stops.push(gw.stop);
      return gw;
    };
    // Its own process, as fresh as the rows it is compared with (the core rows leave a heap and caches grown by 10,000 tokens).
    await gatewayRow("c", "(c) Portcullis (metrics on, tracing off)", () => started({}));
    await gatewayRow("m", "(m) Portcullis, PORTCULLIS_METRICS=false", () => started({ PORTCULLIS_METRICS: "false" }));
    if (ctx.otlpSinkUrl)
      await gatewayRow("t", "(t) Portcullis, tracing on (OTLP sink)", () =>
        started({ OTEL_EXPORTER_OTLP_ENDPOINT: ctx.otlpSinkUrl }),
      );
    await gatewayRow("w", "(w) Portcullis, PORTCULLIS_WORKERS=2", () => started({ PORTCULLIS_WORKERS: "2" }));
    if (ctx.baseRef && want("h")) {
      const base = buildBase(ctx);
      stops.push(base.remove); // after its gateways: stops run in reverse
      await gatewayRow("h", `(h) Portcullis at ${ctx.baseRef}`, () => started({}, base.root));
    }
    if (rows.length === 0) return undefined;

    for (const t of rows.flatMap((r) => r.targets))
      await cannon({ ...t, connections: ctx.connections, durationS: ctx.warmupS, body: ctx.body });
    type Measured = {
      rps: number[];
      cpu: number[];
      path: number[];
      byProcess: Record<string, number[]>;
      errors: number;
    };
    const results = new Map<Key, Measured>();
    for (const r of rows) results.set(r.key, { rps: [], cpu: [], path: [], byProcess: {}, errors: 0 });
    for (let round = 0; round < ctx.rounds; round++) {
      for (const r of roundOrder(rows, round)) {
        const target = r.targets[round % r.targets.length];
        const hops = Object.entries(target.hops());
        const cpu0 = hops.map(([, pids]) => sumCpu(pids));
        const upstream0 = processCpuUs(ctx.upstreamPid);
        const loadgen0 = process.cpuUsage();
        const res: CannonResult = await cannon({
          ...target,
          connections: ctx.connections,
          durationS: ctx.roundS,
          body: ctx.body,
        });
        const used = hops.map(([, pids], i) => (sumCpu(pids) - cpu0[i]) / res.requests);
        const out = results.get(r.key)!;
        hops.forEach(([name], i) => (out.byProcess[name] ??= []).push(used[i]));
        out.rps.push(res.rps);
        out.cpu.push(used.reduce((x, y) => x + y, 0));
        const loadgen = process.cpuUsage(loadgen0);
        // The proxy, the upstream and the load generator share the cores: the whole path's CPU per request.
        out.path.push(
          out.cpu.at(-1)! + (processCpuUs(ctx.upstreamPid) - upstream0 + loadgen.user + loadgen.system) / res.requests,
        );
        out.errors += res.errors + res.non2xx;
        const split = hops.length > 1 ? ` (${hops.map(([n], i) => `${n} ${used[i].toFixed(1)}`).join(", ")})` : "";
        console.log(
          `round ${round + 1} ${r.label}: ${res.rps.toFixed(0)} req/s, ${out.cpu.at(-1)!.toFixed(1)} µs CPU/req${split}`,
        );
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const summary = Object.fromEntries(
      rows.map((r) => {
        const x = results.get(r.key)!;
        return [
          r.key,
          {
            label: r.label,
            avgRps: mean(x.rps),
            rounds: x.rps,
            cpuUsPerRequest: {
              median: median(x.cpu),
              rounds: x.cpu,
              byProcess: Object.fromEntries(Object.entries(x.byProcess).map(([n, v]) => [n, median(v)])),
            },
            pathCpuUsPerRequest: median(x.path),
            errors: x.errors,
          },
        ];
      }),
    ) as Partial<
      Record<
        Key,
        {
          label: string;
          avgRps: number;
          rounds: number[];
          cpuUsPerRequest: { median: number; rounds: number[]; byProcess: Record<string, number> };
          pathCpuUsPerRequest: number;
          errors: number;
        }
      >
    >;
    const ratio = (a: Key, b: Key) => (summary[a] && summary[b] ? summary[a].avgRps / summary[b].avgRps : undefined);
    const perRound = (a: Key, b: Key) =>
      summary[a] && summary[b] ? summary[a].rounds.map((v, i) => v / summary[b]!.rounds[i]) : undefined;
    // What a saturated machine with the cores to itself would reach: the inverse ratio of whole-path CPU per request.
    const pathRatio = (a: Key, b: Key) =>
      summary[a] && summary[b] ? summary[b].pathCpuUsPerRequest / summary[a].pathCpuUsPerRequest : undefined;
    const ratios = {
      byPathCpu: {
        fOverN: pathRatio("f", "n"),
        fxOverN: pathRatio("fx", "n"),
        cOverM: pathRatio("c", "m"),
        mOverH: pathRatio("m", "h"),
        wOverC: pathRatio("w", "c"),
      },
      fOverN: ratio("f", "n"),
      fxOverN: ratio("fx", "n"),
      cOverM: ratio("c", "m"),
      tOverC: ratio("t", "c"),
      mOverH: ratio("m", "h"),
      cOverH: ratio("c", "h"),
      wOverC: ratio("w", "c"),
      perRound: {
        fOverN: perRound("f", "n"),
        fxOverN: perRound("fx", "n"),
        cOverM: perRound("c", "m"),
        mOverH: perRound("m", "h"),
        wOverC: perRound("w", "c"),
      },
    };

    console.log(
      `\nEdge and observability rows: ${ctx.rounds} alternating rounds × ${ctx.roundS} s, ${ctx.connections} connections`,
    );
    console.log(
      `${"row".padEnd(46)} ${"req/s".padStart(9)} ${"errors".padStart(7)} ${"CPU µs/req".padStart(11)} ${"path µs/req".padStart(12)}  rounds`,
    );
    for (const r of rows) {
      const s = summary[r.key]!;
      const split = Object.entries(s.cpuUsPerRequest.byProcess);
      const parts = split.length > 1 ? `  (CPU: ${split.map(([n, v]) => `${n} ${v.toFixed(1)}`).join(", ")})` : "";
      console.log(
        `${r.label.padEnd(46)} ${s.avgRps.toFixed(0).padStart(9)} ${String(s.errors).padStart(7)} ${s.cpuUsPerRequest.median.toFixed(1).padStart(11)} ${s.pathCpuUsPerRequest.toFixed(1).padStart(12)}  ${s.rounds.map((v) => v.toFixed(0)).join(" ")}${parts}`,
      );
    }
    const show = (name: string, v: number | undefined, target?: string, byCpu?: number) =>
      v !== undefined &&
      console.log(
        `  ${name.padEnd(44)} ${v.toFixed(3)}${byCpu !== undefined ? `  (by whole-path CPU: ${byCpu.toFixed(3)})` : ""}${target ? `   target ${target}` : ""}`,
      );
    console.log("Ratios of req/s (and of whole-path CPU per request, inverted: what the cores alone would allow):");
    show("(f)/(n) forward-auth vs bare nginx", ratios.fOverN, "≥ 0.6", ratios.byPathCpu.fOverN);
    show("(fx)/(n) without nginx's verdict cache", ratios.fxOverN, "≥ 0.6", ratios.byPathCpu.fxOverN);
    show("(c)/(m) metrics on vs off", ratios.cOverM, "≥ 0.97", ratios.byPathCpu.cOverM);
    show("(t)/(c) tracing on vs off", ratios.tOverC);
    show("(m)/(h) this build, metrics off, vs base", ratios.mOverH, undefined, ratios.byPathCpu.mOverH);
    show("(c)/(h) this build, defaults, vs base", ratios.cOverH);
    show("(w)/(c) two workers vs one process", ratios.wOverC, undefined, ratios.byPathCpu.wOverC);
    return { rows: summary, ratios };
  } finally {
    for (const stop of stops.reverse()) await stop();
  }
}
