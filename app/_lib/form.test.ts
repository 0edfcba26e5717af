import { zodResolver } from "@hookform/resolvers/zod";
import { describe, expect, it } from "vitest";
import { serverSchema } from "../../lib/config/schema";
import { apiPayloadSchema, fieldError, setServerErrors } from "./form";

type Values = { name: string; upstream: string; publicUrls: string[]; extra: string };

const schema = apiPayloadSchema(serverSchema, (v: Values) => {
  let extra: unknown = {};
  const issues = [];
  try {
    extra = JSON.parse(v.extra || "{}");
  } catch {
    issues.push({ path: ["resourceMetadata", "extra"], message: "not valid JSON" });
  }
  return {
    payload: {
      name: v.name,
      upstream: v.upstream,
      auth: "none",
      publicUrls: v.publicUrls,
      resourceMetadata: { extra },
    },
    issues,
  };
});

const resolve = (values: Values) =>
  zodResolver(schema)(values, undefined, { fields: {}, shouldUseNativeValidation: false, names: [] });

describe("console forms validated by the API's schema", () => {
  it("reports the API schema's errors at the fields' paths, with the form's own issues", async () => {
    const r = await resolve({
      name: "Bad Name",
      upstream: "x",
      publicUrls: ["https://ok.example", "ftp://x"],
      extra: "{",
    });
    expect(fieldError(r.errors, "name")).toMatch(/must be a slug/);
    expect(fieldError(r.errors, "upstream")).toBe('not a valid URL: "x"');
    expect(fieldError(r.errors, "publicUrls")).toBe('[1]: must be an http(s) URL, got "ftp:"');
    expect(fieldError(r.errors, "resourceMetadata.extra")).toBe("not valid JSON");
    expect(fieldError(r.errors, "resourceMetadata")).toBe("extra: not valid JSON");
  });

  it("hands the API body to the submit handler when the schema accepts it", async () => {
    const r = await resolve({ name: "fetcher", upstream: "http://127.0.0.1:9/mcp", publicUrls: [], extra: "" });
    expect(r.errors).toEqual({});
    expect(r.values).toEqual({
      name: "fetcher",
      upstream: "http://127.0.0.1:9/mcp",
      auth: "none",
      publicUrls: [],
      resourceMetadata: { extra: {} },
    });
  });

  it("sets the API's field errors on the form's paths", () => {
    const set: Array<[string, string]> = [];
    setServerErrors((path, e) => set.push([path, e.message ?? ""]), { "publicUrls[1]": "bad", name: "taken" });
    expect(set).toEqual([
      ["publicUrls.1", "bad"],
      ["name", "taken"],
    ]);
  });

  it("reads a field's own message only when asked for it exactly", () => {
    const errors = { oauth: { message: "is required", type: "custom", provider: { message: "must be a slug" } } };
    expect(fieldError(errors, "oauth", { exact: true })).toBe("is required");
    expect(fieldError(errors, "oauth")).toBe("is required; provider: must be a slug");
  });
});
