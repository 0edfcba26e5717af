import { describe, expect, it } from "vitest";
import { formatRequestId, parseRequestId } from "./request-id";
import { RequestContext } from "./request-context";

describe("RequestContext", () => {
  it("splits the raw target without parsing it, and parses the URL only on demand", () => {
    const ctx = new RequestContext("/servers/a/mcp?x=1&y");
    expect(ctx.rawPath).toBe("/servers/a/mcp");
    expect(ctx.rawSearch).toBe("?x=1&y");
    expect(new RequestContext("/servers/a/mcp").rawSearch).toBe("");
    expect(ctx.url.pathname).toBe("/servers/a/mcp");
    expect(ctx.url).toBe(ctx.url); // parsed once
  });

  it("normalises the URL it parses (dot segments, backslashes), never the raw path", () => {
    const ctx = new RequestContext("/servers/./b/../a/mcp");
    expect(ctx.rawPath).toBe("/servers/./b/../a/mcp");
    expect(ctx.url.pathname).toBe("/servers/a/mcp");
    expect(new RequestContext("/servers\\a\\mcp").url.pathname).toBe("/servers/a/mcp");
  });

  it("numbers requests with ids this process can parse back", () => {
    const a = new RequestContext("/");
    const b = new RequestContext("/");
    expect(b.seq).toBe(a.seq + 1);
    expect(parseRequestId(formatRequestId(b.seq))).toBe(b.seq);
    expect(formatRequestId(a.seq)).not.toBe(formatRequestId(b.seq));
  });
});
