import { filterFrom, requestLogStream } from "@/lib/runtime/request-entries";
import { apiHandler, getRuntime } from "../../_lib/handler";

export const dynamic = "force-dynamic";

/** Server-sent events: `snapshot` (recent entries) then one `entry` per new decision; heartbeats every 15 s. */
export const GET = apiHandler((req) => {
  const stream = requestLogStream(getRuntime().requestLog, filterFrom(new URL(req.url)), req.signal);
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      // no-transform: keeps Next's gzip from buffering the stream.
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
});
