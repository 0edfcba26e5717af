export { FetchError, isFetchError } from "./errors";
export { safeFetch, type SafeFetchOptions } from "./safe-fetch";
export { fetchJson, type JsonResponse } from "./fetch-json";
