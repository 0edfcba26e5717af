// Minimal types for the parts of autocannon the benchmark uses (@types/autocannon is not installed).
declare module "autocannon" {
  type Histogram = { average: number; total: number };
  type Result = { requests: Histogram; errors: number; timeouts: number; non2xx: number };
  type Options = Record<string, unknown> & { url: string };
  function autocannon(opts: Options): Promise<Result>;
  namespace autocannon {
    export type { Options, Result };
  }
  export default autocannon;
}
