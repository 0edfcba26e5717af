import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { listResponseFilter, type ListKind } from "./list-filter";

const keep = (_m: string, name: string) => !name.startsWith("secret");
const targets = new Map<string | number | null, ListKind>([[7, "tools/list"]]);
const tools = (id: number) => ({
  jsonrpc: "2.0",
  id,
  result: { tools: [{ name: "echo" }, { name: "secret_drop" }, { name: "add" }] },
});

async function run(contentType: string, chunks: (string | Buffer)[]) {
  const f = listResponseFilter(contentType, targets, keep)!;
  return (await buffer(Readable.from(chunks.map((c) => Buffer.from(c))).pipe(f))).toString("utf8");
}

describe("list response filter", () => {
  it("removes the tools a caller may not call from a JSON response, and leaves other responses alone", async () => {
    const out = JSON.parse(await run("application/json", [JSON.stringify(tools(7))]));
    expect(out.result.tools.map((t: { name: string }) => t.name)).toEqual(["echo", "add"]);
    const other = JSON.stringify(tools(8));
    expect(await run("application/json", [other])).toBe(other);
    expect(listResponseFilter("text/plain", targets, keep)).toBeUndefined();
  });

  it("rewrites only the list event of an SSE stream, split anywhere, CRLF or LF", async () => {
    const events = [
      `event: message\r\ndata: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/message", params: { secret_x: 1 } })}\r\n\r\n`,
      `id: 9\nevent: message\ndata: ${JSON.stringify(tools(7))}\n\n`,
      `data: ${JSON.stringify(tools(7))}\n\n`, // after the answer: relayed as is
    ].join("");
    const bytes = Buffer.from(events);
    for (const cut of [1, 17, 60, bytes.length - 3]) {
      const out = await run("text/event-stream", [bytes.subarray(0, cut), bytes.subarray(cut)]);
      const blocks = out.split("\n\n").filter(Boolean);
      expect(blocks).toHaveLength(3);
      expect(blocks[0]).toContain("notifications/message");
      expect(blocks[1].split("\n").slice(0, 2)).toEqual(["id: 9", "event: message"]);
      expect(JSON.parse(blocks[1].split("\n")[2].slice(6)).result.tools).toEqual([{ name: "echo" }, { name: "add" }]);
      expect(blocks[2]).toContain("secret_drop");
    }
  });

  it("passes every complete event on before the stream ends", async () => {
    const f = listResponseFilter("text/event-stream", targets, keep)!;
    const seen: string[] = [];
    f.on("data", (c: Buffer | string) => seen.push(String(c)));
    f.write(Buffer.from(`data: {"jsonrpc":"2.0","method":"notifications/progress"}\n\ndata: {"jsonrpc"`));
    await new Promise((r) => setImmediate(r));
    expect(seen.join("")).toBe(`data: {"jsonrpc":"2.0","method":"notifications/progress"}\n\n`);
    f.end(`:"2.0","id":7,"result":{"tools":[{"name":"secret"}]}}\n\n`);
    await new Promise((r) => f.on("end", r));
    expect(seen.join("")).toContain(`"tools":[]`);
  });

  it("keeps multi-byte characters split across chunks intact", async () => {
    const msg = Buffer.from(`data: ${JSON.stringify({ ...tools(7), result: { tools: [{ name: "héllo" }] } })}\n\n`);
    const i = msg.indexOf(Buffer.from("é")) + 1;
    const out = await run("text/event-stream", [msg.subarray(0, i), msg.subarray(i)]);
    expect(out).toContain("héllo");
  });
});
