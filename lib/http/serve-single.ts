/**
 * One process (PORTCULLIS_WORKERS=1, the default): the runtime, the console, and either one listener
 * for everything or, with ADMIN_PORT, a public listener (MCP, well-known documents, OAuth facade,
 * health) and an admin listener (console, /api, health).
 */
import { createRuntime } from "../runtime/create-runtime";
import { setRuntime } from "../runtime/global";
import { ConnectionTracker } from "./drain";
import { createGatewayRequestHandler } from "./gateway-server";
import {
  ADMIN_VARS,
  announce,
  closeAll,
  drainListeners,
  listen,
  onTermination,
  urlOf,
  type ServeDeps,
} from "./listeners";

export async function serveSingleProcess({
  env,
  logger,
  loadConsole,
  createListener,
  stopTracing,
}: ServeDeps): Promise<void> {
  const runtime = await createRuntime(env, { logger });
  setRuntime(runtime);
  const consoleApp = loadConsole ? await loadConsole() : undefined;
  const split = env.ADMIN_PORT !== undefined;
  const tracker = new ConnectionTracker();

  const publicServer = createListener(
    createGatewayRequestHandler(runtime, split ? undefined : consoleApp?.handler, {
      surface: split ? "public" : "all",
    }),
  );
  tracker.track(publicServer);
  const adminServer = split
    ? createListener(createGatewayRequestHandler(runtime, consoleApp?.handler, { surface: "admin" }))
    : undefined;
  if (adminServer) tracker.track(adminServer);

  const port = await listen(publicServer, { host: env.HOST, port: env.PORT });
  const adminHost = env.ADMIN_HOST ?? env.HOST;
  const adminPort = adminServer
    ? await listen(adminServer, { host: adminHost, port: env.ADMIN_PORT!, vars: ADMIN_VARS })
    : undefined;
  runtime.serving.listening = true;
  announce(env, logger, {
    publicUrl: urlOf(env.HOST, port),
    adminUrl: adminPort === undefined ? undefined : urlOf(adminHost, adminPort),
    console: Boolean(consoleApp),
    database: runtime.target.kind,
    workers: 1,
  });

  onTermination(logger, async (signal) => {
    await drainListeners(runtime, tracker, signal);
    await closeAll(
      logger,
      async () => consoleApp?.close(),
      runtime.close,
      async () => stopTracing?.(),
    );
  });
}
