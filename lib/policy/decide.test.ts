import { describe, expect, it } from "vitest";
import { policySchema } from "../config/schema";
import { compilePolicy } from "./compile";
import { decideOperation, explainOperation } from "./decide";
import { ANONYMOUS, type Caller } from "./types";

const policy = (p: unknown, serverScopes: string[] = []) => compilePolicy(policySchema.parse(p), serverScopes);
const alice: Caller = {
  authenticated: true,
  subject: "alice",
  client: "cli-1",
  scopes: ["mcp:read"],
  claims: { groups: ["eng", "ops"], tier: 2 },
};
const call = (name: string) => ({ method: "tools/call", name });

describe("policy decisions", () => {
  it("lets the first matching rule decide, in order", () => {
    const p = policy({
      rules: [
        { name: "no-rm", names: ["rm_*"], action: "deny" },
        { name: "all-tools", methods: ["tools/call"], action: "allow" },
      ],
      default: "deny",
    });
    expect(decideOperation(p, call("rm_rf"), alice)).toMatchObject({ effect: "deny", rule: "no-rm", source: "rule" });
    expect(decideOperation(p, call("echo"), alice)).toMatchObject({ effect: "allow", rule: "all-tools" });
    expect(decideOperation(p, { method: "prompts/get", name: "x" }, alice)).toMatchObject({
      effect: "deny",
      source: "default",
    });
  });

  it("keeps housekeeping and list methods allowed under a deny default unless a rule matches them", () => {
    const p = policy({ default: "deny", rules: [{ name: "no-list", methods: ["prompts/list"], action: "deny" }] });
    for (const m of ["initialize", "ping", "notifications/initialized", "tools/list"])
      expect(decideOperation(p, { method: m }, alice)).toMatchObject({ effect: "allow", source: "exempt" });
    expect(decideOperation(p, { method: "prompts/list" }, alice)).toMatchObject({ effect: "deny", rule: "no-list" });
    expect(decideOperation(p, { method: "completion/complete" }, alice).effect).toBe("deny");
  });

  it("challenges with every scope the operation needs, the server's own included", () => {
    const p = policy({ rules: [{ name: "writes", names: ["add"], action: "require", scopes: ["mcp:write"] }] }, [
      "mcp:read",
    ]);
    expect(decideOperation(p, call("add"), alice)).toEqual({
      effect: "challenge",
      source: "rule",
      rule: "writes",
      needed: ["mcp:read", "mcp:write"],
      missing: ["mcp:write"],
    });
    expect(decideOperation(p, call("add"), { ...alice, scopes: ["mcp:read", "mcp:write"] })).toMatchObject({
      effect: "allow",
      rule: "writes",
    });
    expect(decideOperation(p, call("add"), ANONYMOUS)).toMatchObject({
      effect: "challenge",
      missing: ["mcp:read", "mcp:write"],
    });
  });

  it("honours scope hierarchies for required and caller scopes", () => {
    const p = policy({
      impliedScopes: { "mcp:admin": ["mcp:write"] },
      rules: [
        { name: "admins", caller: { scopes: ["mcp:write"] }, names: ["drop"], action: "allow" },
        { name: "writes", names: ["add", "drop"], action: "require", scopes: ["mcp:write"] },
      ],
    });
    const admin = { ...alice, scopes: ["mcp:admin"] };
    expect(decideOperation(p, call("add"), admin)).toMatchObject({ effect: "allow", rule: "writes" });
    expect(decideOperation(p, call("drop"), admin)).toMatchObject({ effect: "allow", rule: "admins" });
  });

  it("matches callers by subject, client and claims (list claims by any item, numbers as text)", () => {
    const p = policy({
      default: "deny",
      rules: [
        { name: "ops", caller: { claims: { groups: ["ops"], tier: ["2"] } }, names: ["deploy"], action: "allow" },
        { name: "cli", caller: { clients: ["cli-*"], subjects: ["ali?e"] }, names: ["echo"], action: "allow" },
      ],
    });
    expect(decideOperation(p, call("deploy"), alice).effect).toBe("allow");
    expect(decideOperation(p, call("deploy"), { ...alice, claims: { groups: "eng" } }).effect).toBe("deny");
    expect(decideOperation(p, call("echo"), alice).effect).toBe("allow");
    expect(decideOperation(p, call("echo"), { ...alice, client: "web" }).effect).toBe("deny");
    expect(decideOperation(p, call("echo"), ANONYMOUS).effect).toBe("deny");
  });

  it("never matches a name rule on an unnamed operation, and globs treat regex characters literally", () => {
    const p = policy({
      default: "deny",
      rules: [{ name: "files", methods: ["resources/*"], names: ["file:///srv/(a)*"], action: "allow" }],
    });
    expect(decideOperation(p, { method: "resources/read", name: "file:///srv/(a)/x.txt" }, alice).effect).toBe("allow");
    expect(decideOperation(p, { method: "resources/read", name: "file:///srv/a/x.txt" }, alice).effect).toBe("deny");
    expect(decideOperation(p, { method: "resources/read" }, alice).effect).toBe("deny");
  });

  it("explains which step of each earlier rule did not hold", () => {
    const p = policy({
      rules: [
        { name: "a", methods: ["prompts/get"], action: "deny" },
        { name: "b", names: ["echo"], caller: { scopes: ["x"] }, action: "deny" },
        { name: "c", names: ["echo"], action: "allow" },
      ],
    });
    const r = explainOperation(p, call("echo"), alice);
    expect(r.decision).toMatchObject({ effect: "allow", rule: "c" });
    expect(r.trace).toEqual([
      { rule: "a", action: "deny", matched: false, failedStep: "method" },
      { rule: "b", action: "deny", matched: false, failedStep: "scopes" },
      { rule: "c", action: "allow", matched: true, failedStep: undefined },
    ]);
  });
});
