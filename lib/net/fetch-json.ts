/**
 * GET a JSON document through safeFetch: 2xx required, a JSON media type
 * (`application/json` or any `+json`, e.g. `application/jwk-set+json`) when a
 * Content-Type is sent, and a body that parses. An HTML login page or an error
 * page therefore fails with a precise code rather than a JSON.parse trace.
 */
import { FetchError } from "./errors";
import { safeFetch, type SafeFetchOptions, type SafeResponse } from "./safe-fetch";

export type JsonResponse = { data: unknown; response: SafeResponse };

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

export async function fetchJson(url: string | URL, opts: SafeFetchOptions): Promise<JsonResponse> {
  const response = await safeFetch(url, { ...opts, headers: { accept: "application/json", ...opts.headers } });
  if (response.status < 200 || response.status > 299) {
    throw new FetchError("fetch_http_status", response.url, `HTTP ${response.status}`, { status: response.status });
  }
  const type = response.headers.get("content-type");
  if (type && !JSON_TYPE.test(type)) {
    throw new FetchError(
      "fetch_content_type",
      response.url,
      `expected a JSON response, got Content-Type ${type.slice(0, 100)}`,
    );
  }
  try {
    return { data: JSON.parse(response.body.toString("utf8")), response };
  } catch (cause) {
    throw new FetchError("fetch_invalid_json", response.url, "response body is not valid JSON", { cause });
  }
}
