// mcp-remote (the npm package, a real third-party client) driven headless: its stdio bridge is
// spawned by the official SDK client's stdio transport, exactly as Claude Desktop or Cursor would
// run it. When it needs a sign-in it prints the authorization URL and waits on its own loopback
// callback port; `onAuthorize` plays the browser (see cli-sign-in.ts). BROWSER=true keeps it from
// starting a real browser. Its client registration and tokens live in `configDir`
// (MCP_REMOTE_CONFIG_DIR): reuse the directory to model the next start of the same client.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { cleanup } from "./cleanup";

const require = createRequire(import.meta.url);
const PACKAGE = dirname(require.resolve("mcp-remote/package.json"));

/** The installed mcp-remote version (reports say which client was tested). */
export const MCP_REMOTE_VERSION: string = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).version;

export interface McpRemoteOptions {
  /** The MCP server URL mcp-remote connects to. */
  serverUrl: string;
  /** MCP_REMOTE_CONFIG_DIR. */
  configDir: string;
  /** The loopback port of its OAuth callback (strict when given, as here). */
  callbackPort: number;
  /** Further mcp-remote flags (e.g. --client-metadata-url URL, --protocol auto). */
  args?: string[];
  env?: Record<string, string>;
  /** The browser: called once per authorization URL printed. Without it, a printed URL fails the connect. */
  onAuthorize?: (authorizationUrl: string) => Promise<unknown>;
  /** How long connect() may take, sign-in included (default 60 s). */
  timeoutMs?: number;
}

export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  scope?: string;
  expires_in?: number;
  [k: string]: unknown;
}

export interface McpRemote {
  /** The SDK client talking MCP to mcp-remote over stdio. */
  client: Client;
  /** Everything mcp-remote wrote to stderr. */
  output(): string;
  /** Authorization URLs it printed, in order. */
  authorizationUrls: string[];
  /** The tokens it stored for the server (undefined before any). */
  tokens(): StoredTokens | undefined;
  /** The client registration it stored (DCR answer or CIMD id). */
  clientInfo(): { client_id: string; [k: string]: unknown } | undefined;
  close(): Promise<void>;
}

function readStored<T>(configDir: string, suffix: string): T | undefined {
  const dir = join(configDir, "mcp-remote-v1");
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(suffix));
  } catch {
    return undefined;
  }
  if (files.length > 1) throw new Error(`mcp-remote stored ${files.length} ${suffix} files in ${dir}; expected one`);
  return files.length ? (JSON.parse(readFileSync(join(dir, files[0]), "utf8")) as T) : undefined;
}

/** Starts mcp-remote's stdio bridge and connects an MCP client through it (signing in if it asks). */
export async function connectMcpRemote(opts: McpRemoteOptions): Promise<McpRemote> {
  const bin = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8")).bin["mcp-remote"] as string;
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(PACKAGE, bin), opts.serverUrl, String(opts.callbackPort), "--allow-http", ...(opts.args ?? [])],
    env: { MCP_REMOTE_CONFIG_DIR: opts.configDir, BROWSER: "true", ...opts.env },
    stderr: "pipe",
  });
  let out = "";
  const authorizationUrls: string[] = [];
  const signIns: Promise<unknown>[] = [];
  let signInError: unknown;
  transport.stderr!.on("data", (chunk: Buffer) => {
    out += chunk.toString("utf8");
    for (const m of out.matchAll(/Please authorize this client by visiting:\s*\n(\S+)/g)) {
      if (authorizationUrls.includes(m[1])) continue;
      authorizationUrls.push(m[1]);
      if (!opts.onAuthorize) {
        signInError ??= new Error(`mcp-remote asked for a sign-in that the test did not expect: ${m[1]}`);
        void transport.close();
        continue;
      }
      signIns.push(
        opts.onAuthorize(m[1]).catch((e: unknown) => {
          signInError ??= e;
          void transport.close();
        }),
      );
    }
  });
  const client = new Client({ name: "portcullis-test-host", version: "1.0.0" });
  const unregister = cleanup.add("mcp-remote", () => client.close());
  const close = async () => {
    unregister();
    await client.close();
  };
  try {
    await Promise.race([
      client.connect(transport),
      new Promise((_, reject) => setTimeout(() => reject(new Error("timed out")), opts.timeoutMs ?? 60_000).unref()),
    ]);
    await Promise.all(signIns);
  } catch (e) {
    await close();
    // A failed sign-in closes the transport: that failure, not the closed connection, is the news.
    const why = signInError ?? e;
    throw new Error(
      `mcp-remote did not connect: ${String((why as Error)?.message ?? why)}\n--- mcp-remote stderr (tail) ---\n${out.slice(-6000)}`,
      { cause: e },
    );
  }
  return {
    client,
    output: () => out,
    authorizationUrls,
    tokens: () => readStored<StoredTokens>(opts.configDir, "_tokens.json"),
    clientInfo: () => readStored(opts.configDir, "_client_info.json"),
    close,
  };
}
