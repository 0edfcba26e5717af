/**
 * Step 2: the 401 carries a Bearer challenge, ideally with
 * `resource_metadata`; without it clients fall back to the well-known URL.
 */
import type { SelftestContext, StepOutcome } from "../context";
import { parseBearerChallenge } from "../urls";

export function checkChallenge(ctx: SelftestContext): StepOutcome {
  const header = ctx.first?.headers.get("www-authenticate");
  const params = parseBearerChallenge(header);
  if (!params)
    return {
      status: "fail",
      expected: 'Bearer resource_metadata="…"',
      actual: header ?? "(missing)",
      detail: "no Bearer challenge",
      stop: true,
    };
  ctx.challenge = params;
  const url = params.resource_metadata;
  return {
    status: url ? "pass" : "warn",
    actual: header ?? "",
    detail: url
      ? `resource_metadata=${url}`
      : "no resource_metadata parameter: clients fall back to the well-known URL",
  };
}
