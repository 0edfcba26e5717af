"use client";
/** Token checks and IdP quirks: accepted algorithms, and the overrides of the kind's profile. */
import { Controller, useFormContext, useWatch } from "react-hook-form";
import { jwsAlgorithms } from "@/lib/config/schema";
import { PROFILES } from "@/lib/providers/profiles";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field } from "@/components/ui";
import type { PairKey, ProviderFormValues } from "./values";

type TriKey = "resourceIndicators" | "audienceIsClientId" | "dynamicRegistration" | "dropResource";
const TRI: Array<{ key: TriKey; label: string; hint: string }> = [
  {
    key: "resourceIndicators",
    label: "Honours resource indicators (RFC 8707)",
    hint: "The IdP puts the requested resource URL into the token's aud.",
  },
  {
    key: "audienceIsClientId",
    label: "Puts the client id into aud",
    hint: "Authentik-style IdPs issue tokens whose aud is the OAuth client id.",
  },
  {
    key: "dynamicRegistration",
    label: "Supports dynamic client registration",
    hint: "Otherwise the gateway registers clients itself with the client id above.",
  },
  {
    key: "dropResource",
    label: "Drop the resource parameter",
    hint: "For IdPs that reject an unknown resource parameter.",
  },
];

type TextKey = "audienceParam" | "discoveryUrl";
const TEXT: Array<{ key: TextKey; id: string; label: string; hint: string; placeholder: string }> = [
  {
    key: "audienceParam",
    id: "p-ov-aud",
    label: "Audience parameter",
    hint: "Send the resource URL in this parameter instead (Auth0: audience).",
    placeholder: "",
  },
  {
    key: "discoveryUrl",
    id: "p-ov-disc",
    label: "Discovery URL",
    hint: "Only if the IdP's discovery document is not at a standard place.",
    placeholder: "(standard locations)",
  },
];

const PAIRS: Array<{ key: PairKey; id: string; label: string; hint: string; placeholder: string }> = [
  {
    key: "scopeMap",
    id: "p-ov-scopemap",
    label: "Scope map",
    hint: "One per line: client scope = IdP scope(s). An empty value drops the scope.",
    placeholder: "read = api://mcp-gateway/read",
  },
  {
    key: "extraAuthorizeParams",
    id: "p-ov-extra",
    label: "Extra authorize parameters",
    hint: "One per line: name = value, added to every upstream authorize request.",
    placeholder: "prompt = consent",
  },
];

/** "Keycloak default: no": what leaving an override unset means for the chosen kind. */
function kindDefault(kind: ProviderFormValues["kind"], key: TriKey): string {
  const profile = PROFILES[kind] ?? PROFILES.generic;
  const v = profile[key];
  return `${profile.label} default: ${v === undefined ? "as its discovery document says" : v ? "yes" : "no"}`;
}

export function QuirksSection() {
  const { register, control, formState } = useFormContext<ProviderFormValues>();
  const kind = useWatch({ control, name: "kind" });
  const err = (path: string) => fieldError(formState.errors, path);
  const placeholder = (t: (typeof TEXT)[number]) =>
    t.key === "audienceParam"
      ? `(${PROFILES[kind]?.audienceParam ? `${PROFILES[kind].label} default: ${PROFILES[kind].audienceParam}` : "none: the resource parameter is sent"})`
      : t.placeholder;
  return (
    <Card title="Token checks and quirks" description="Leave on the profile default unless Discover says otherwise.">
      <div className="space-y-5">
        <Field
          label="Accepted signing algorithms"
          htmlFor="p-alg-RS256"
          error={err("algorithms")}
          hint="None ticked: every asymmetric algorithm. HMAC and none are never accepted."
        >
          <Controller
            control={control}
            name="algorithms"
            render={({ field }) => (
              <div className="flex flex-wrap gap-x-4 gap-y-2">
                {jwsAlgorithms.map((a) => (
                  <label key={a} className="flex items-center gap-1.5 text-sm text-slate-700">
                    <input
                      id={`p-alg-${a}`}
                      type="checkbox"
                      className="size-4 rounded border-slate-300 accent-indigo-600"
                      checked={field.value.includes(a)}
                      onChange={(e) =>
                        field.onChange(e.target.checked ? [...field.value, a] : field.value.filter((x) => x !== a))
                      }
                    />
                    <span className="font-mono text-xs">{a}</span>
                  </label>
                ))}
              </div>
            )}
          />
        </Field>
        <Field
          label="Access token type"
          htmlFor="p-at-jwt"
          error={err("requireAtJwt")}
          hint="RFC 9068: refuse tokens without the typ header at+jwt. Turn on when the IdP issues them, so no other JWT it signs is taken for an access token."
        >
          <label className="flex items-center gap-1.5 text-sm text-slate-700">
            <input
              id="p-at-jwt"
              type="checkbox"
              className="size-4 rounded border-slate-300 accent-indigo-600"
              {...register("requireAtJwt")}
            />
            Require <span className="font-mono text-xs">typ: at+jwt</span>
          </label>
        </Field>
        <div className="grid gap-5 sm:grid-cols-2">
          {TRI.map((t) => (
            <Field
              key={t.key}
              label={t.label}
              htmlFor={`p-ov-${t.key}`}
              hint={t.hint}
              error={err(`overrides.${t.key}`)}
            >
              <Controller
                control={control}
                name={`overrides.${t.key}`}
                render={({ field }) => (
                  <select
                    id={`p-ov-${t.key}`}
                    className="input"
                    value={field.value === undefined ? "" : String(field.value)}
                    onChange={(e) => field.onChange(e.target.value === "" ? undefined : e.target.value === "true")}
                  >
                    <option value="">{kindDefault(kind, t.key)}</option>
                    <option value="true">Yes</option>
                    <option value="false">No</option>
                  </select>
                )}
              />
            </Field>
          ))}
          {TEXT.map((t) => (
            <Field key={t.key} label={t.label} htmlFor={t.id} hint={t.hint} error={err(`overrides.${t.key}`)}>
              <input
                id={t.id}
                className="input font-mono"
                placeholder={placeholder(t)}
                {...register(`overrides.${t.key}`)}
              />
            </Field>
          ))}
          {PAIRS.map((t) => (
            <Field key={t.key} label={t.label} htmlFor={t.id} hint={t.hint} error={err(`overrides.${t.key}`)}>
              <LinesController
                control={control}
                name={`overrides.${t.key}`}
                id={t.id}
                placeholder={t.placeholder}
                invalid={!!err(`overrides.${t.key}`)}
              />
            </Field>
          ))}
        </div>
      </div>
    </Card>
  );
}
