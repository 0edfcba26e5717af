/**
 * What the bench reads of its peer processes from /proc: resident memory, and CPU time used (user +
 * system, all threads). CPU time is reported per request for each row: req/s on a shared 2-core VM
 * moves with whatever else the cores are doing, while CPU per request is what each hop itself costs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";

/** Clock ticks per second of /proc's utime/stime (USER_HZ; 100 on every common Linux). */
const TICKS_PER_S = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/** user + system time from a /proc stat line, in µs. */
function statCpuUs(stat: string): number {
  // Fields after the command name, which is in parentheses and may contain spaces: utime is field 14 of the line, stime 15.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return ((Number(f[11]) + Number(f[12])) / TICKS_PER_S) * 1e6;
}

/** CPU time used so far by process `pid`, all threads, in µs (resolution 1/USER_HZ s). */
export function processCpuUs(pid: number): number {
  return statCpuUs(readFileSync(`/proc/${pid}/stat`, "utf8"));
}

/**
 * CPU time used so far by the main thread of process `pid` (the event loop that serves requests), in µs. The
 * rest of the process's time is V8's helper threads (garbage collection, compilation) and worker threads
 * (the audit writer).
 */
export function mainThreadCpuUs(pid: number): number {
  return statCpuUs(readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8"));
}

/** Resident set size of process `pid`, in MB. */
export function processRssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Process `pid` and its direct children (nginx's master and workers, the gateway's primary and cluster workers). */
export function withChildren(pid: number): number[] {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  return [pid, ...children.map(Number)];
}
