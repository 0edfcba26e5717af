import { describe, expect, it } from "vitest";
import { toOriginForm } from "./request-target";

const after = (url: string, host = "gw.example") => {
  const req = { url, headers: { host } as Record<string, string | undefined> };
  toOriginForm(req);
  return { url: req.url, host: req.headers.host };
};

describe("toOriginForm", () => {
  it("takes the host of an absolute-form target and keeps its path and query", () => {
    expect(after("http://evil.example/login?next=/x")).toEqual({ url: "/login?next=/x", host: "evil.example" });
    expect(after("HTTP://User:pw@Evil.Example:8080/a/../b")).toEqual({ url: "/b", host: "evil.example:8080" });
    expect(after("https://[::1]:3000/servers/x/mcp")).toEqual({ url: "/servers/x/mcp", host: "[::1]:3000" });
  });
  it("leaves origin-form, asterisk and anything that is not an http(s) URL alone", () => {
    for (const url of ["/login", "*", "evil.example:443", "mailto:x@y", "file:///etc/passwd"])
      expect(after(url), url).toEqual({ url, host: "gw.example" });
  });
});
