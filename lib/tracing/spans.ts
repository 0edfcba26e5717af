// placeholder
import { defaultJwksFetcher, type JwksFetcher } from "../tokens/jwks-cache";
export const tracedJwksFetcher = (): JwksFetcher => defaultJwksFetcher;
