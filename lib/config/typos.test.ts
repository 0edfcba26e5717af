import { describe, expect, it } from "vitest";
import { parseConfigFileDetailed } from "./yaml";

const errorsOf = (yaml: string) => parseConfigFileDetailed(yaml).errors;

describe("typos in a config file", () => {
  it("names the key a misspelled one meant, without the errors that only follow from it", () => {
    expect(errorsOf("servers:\n  - name: x\n    upstream: http://a/mcp\n    auht: none\n")).toEqual([
      { path: "servers[0].auht", message: 'unknown key: did you mean "auth"?' },
    ]);
    expect(errorsOf("servers:\n  - name: x\n    upstream: http://a/mcp\n    ouath: { provider: kc }\n")).toEqual([
      { path: "servers[0].ouath", message: 'unknown key: did you mean "oauth"?' },
    ]);
    expect(errorsOf("providers:\n  - name: kc\n    issuer: http://x\n    clientid: a\n    scope: [openid]\n")).toEqual([
      { path: "providers[0].clientid", message: 'unknown key: did you mean "clientId"?' },
      { path: "providers[0].scope", message: 'unknown key: did you mean "scopes"?' },
    ]);
  });

  it("keeps a plain unknown key, and the real errors beside it", () => {
    expect(errorsOf("servers:\n  - name: x\n    upstream: http://a/mcp\n    bogus: 1\n")).toEqual([
      { path: "servers[0].bogus", message: "unknown key" },
      { path: "servers[0].oauth", message: 'is required when auth is "oauth"' },
    ]);
  });
});
