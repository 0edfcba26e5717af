"use client";
import { useState, type FormEvent } from "react";
import { jwsAlgorithms, providerKinds, providerSchema, type ProfileOverrides } from "@/lib/config/schema";
import type { ProviderView } from "@/lib/config/model";
import { useSaveEntity } from "@/app/_lib/use-save-entity";
import { linesToPairs, pairsToLines } from "@/app/_lib/pairs";
import { compact, errorsUnder, validate, type FieldErrors } from "@/app/_lib/validate";
import { Alert, Card, Field, FormActions, LinesInput } from "@/components/ui";
import { SecretField, secretPayload, type SecretValue } from "@/components/secret-field";

const KIND_LABELS: Record<(typeof providerKinds)[number], string> = {
  generic: "Generic OpenID Connect / OAuth 2",
  keycloak: "Keycloak",
  auth0: "Auth0",
  authentik: "Authentik",
  entra: "Microsoft Entra ID",
  okta: "Okta",
};

type Draft = {
  name: string;
  kind: (typeof providerKinds)[number];
  issuer: string;
  jwksUrl: string;
  clientId: string;
  scopes: string[];
  algorithms: string[];
  clockSkewSeconds: number;
  requireAtJwt: boolean;
  /** Every override but the two maps, which are edited as `name = value` lines. */
  overrides: Omit<ProfileOverrides, PairKey>;
  pairs: Record<PairKey, string[]>;
};

type PairKey = "scopeMap" | "extraAuthorizeParams";
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

function toDraft(p?: ProviderView): Draft {
  const { scopeMap, extraAuthorizeParams, ...overrides } = p?.overrides ?? {};
  return {
    name: p?.name ?? "",
    kind: p?.kind ?? "generic",
    issuer: p?.issuer ?? "",
    jwksUrl: p?.jwksUrl ?? "",
    clientId: p?.clientId ?? "",
    scopes: p?.scopes ?? [],
    algorithms: p?.algorithms ?? [],
    clockSkewSeconds: p?.clockSkewSeconds ?? 60,
    requireAtJwt: p?.requireAtJwt ?? false,
    overrides,
    pairs: { scopeMap: pairsToLines(scopeMap), extraAuthorizeParams: pairsToLines(extraAuthorizeParams) },
  };
}

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
    placeholder: "(profile default)",
  },
  {
    key: "discoveryUrl",
    id: "p-ov-disc",
    label: "Discovery URL",
    hint: "Only if the IdP's discovery document is not at a standard place.",
    placeholder: "(standard locations)",
  },
];

export function ProviderForm({ provider }: { provider?: ProviderView }) {
  const editing = Boolean(provider);
  const [draft, setDraft] = useState<Draft>(() => toDraft(provider));
  const [secret, setSecret] = useState<SecretValue>(undefined);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string>();
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setDraft((d) => ({ ...d, [k]: v }));

  const parsedPairs = () =>
    Object.fromEntries(PAIRS.map(({ key }) => [key, linesToPairs(draft.pairs[key])])) as Record<
      PairKey,
      ReturnType<typeof linesToPairs>
    >;

  const payload = (pairs: ReturnType<typeof parsedPairs>) => {
    // The maps skip compact(): an empty value is a setting (a scope map entry that drops the scope).
    const overrides: ProfileOverrides = compact(draft.overrides);
    for (const { key } of PAIRS) if (Object.keys(pairs[key].value).length) overrides[key] = pairs[key].value;
    return {
      ...compact({
        name: draft.name.trim(),
        kind: draft.kind,
        issuer: draft.issuer.trim(),
        jwksUrl: draft.jwksUrl.trim(),
        clientId: draft.clientId.trim(),
      }),
      scopes: draft.scopes,
      ...(draft.algorithms.length ? { algorithms: draft.algorithms } : {}),
      clockSkewSeconds: draft.clockSkewSeconds,
      ...(draft.requireAtJwt ? { requireAtJwt: true } : {}),
      ...(Object.keys(overrides).length ? { overrides } : {}),
      ...(() => {
        const s = secretPayload(secret);
        return "value" in s ? { clientSecret: s.value } : {};
      })(),
    };
  };

  const save = useSaveEntity<ProviderView>("providers", editing ? provider!.name : undefined, {
    setErrors,
    setFormError,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    setFormError(undefined);
    const pairs = parsedPairs();
    const body = payload(pairs);
    const v = validate(providerSchema, body);
    const lineErrors = Object.fromEntries(
      PAIRS.filter(({ key }) => pairs[key].errors.length).map(({ key }) => [
        `overrides.${key}`,
        pairs[key].errors.join("; "),
      ]),
    );
    setErrors({ ...v.errors, ...lineErrors });
    if (!v.ok || Object.keys(lineErrors).length) {
      setFormError("Fix the highlighted fields.");
      return;
    }
    save.mutate(body);
  }

  const triValue = (k: TriKey) => (draft.overrides[k] === undefined ? "" : String(draft.overrides[k]));

  return (
    <form onSubmit={submit} noValidate className="space-y-6">
      {formError && <Alert title="Not saved">{formError}</Alert>}
      <Card
        title="Identity provider"
        description="Where tokens come from. Issuer must match the iss claim of the tokens exactly."
      >
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Name" htmlFor="p-name" error={errors.name} hint="A slug used in URLs: /oauth/<name>/…">
            <input
              id="p-name"
              className="input"
              value={draft.name}
              disabled={editing}
              aria-invalid={!!errors.name || undefined}
              onChange={(e) => set("name", e.target.value)}
              placeholder="keycloak"
            />
          </Field>
          <Field
            label="Kind"
            htmlFor="p-kind"
            error={errors.kind}
            hint="Picks the profile of known quirks Portcullis applies."
          >
            <select
              id="p-kind"
              className="input"
              value={draft.kind}
              onChange={(e) => set("kind", e.target.value as Draft["kind"])}
            >
              {providerKinds.map((k) => (
                <option key={k} value={k}>
                  {KIND_LABELS[k]}
                </option>
              ))}
            </select>
          </Field>
          <Field
            label="Issuer"
            htmlFor="p-issuer"
            error={errors.issuer}
            className="sm:col-span-2"
            hint="e.g. https://idp.example.com/realms/mcp"
          >
            <input
              id="p-issuer"
              className="input font-mono"
              value={draft.issuer}
              aria-invalid={!!errors.issuer || undefined}
              onChange={(e) => set("issuer", e.target.value)}
              placeholder="https://idp.example.com/realms/mcp"
            />
          </Field>
          <Field
            label="JWKS URL"
            htmlFor="p-jwks"
            error={errors.jwksUrl}
            className="sm:col-span-2"
            hint="Optional. Default: jwks_uri from discovery, or the kind's convention."
          >
            <input
              id="p-jwks"
              className="input font-mono"
              value={draft.jwksUrl}
              aria-invalid={!!errors.jwksUrl || undefined}
              onChange={(e) => set("jwksUrl", e.target.value)}
              placeholder="(from discovery)"
            />
          </Field>
        </div>
      </Card>

      <Card
        title="Client registration"
        description="A pre-registered client, used when the IdP lacks dynamic registration."
      >
        <div className="grid gap-5 sm:grid-cols-2">
          <Field label="Client ID" htmlFor="p-client" error={errors.clientId} hint="Optional.">
            <input
              id="p-client"
              className="input font-mono"
              value={draft.clientId}
              aria-invalid={!!errors.clientId || undefined}
              onChange={(e) => set("clientId", e.target.value)}
            />
          </Field>
          <Field
            label="Client secret"
            htmlFor="p-secret"
            error={errors.clientSecret}
            hint="Write-only: stored encrypted, never displayed or exported."
          >
            <SecretField
              id="p-secret"
              isSet={provider?.clientSecretSet ?? false}
              value={secret}
              onChange={setSecret}
              invalid={!!errors.clientSecret}
            />
          </Field>
          <Field
            label="Extra upstream scopes"
            htmlFor="p-scopes"
            error={errorsUnder(errors, "scopes")}
            hint="One per line, e.g. openid, profile."
          >
            <LinesInput
              id="p-scopes"
              value={draft.scopes}
              onChange={(v) => set("scopes", v)}
              placeholder={"openid\nprofile"}
              invalid={!!errorsUnder(errors, "scopes")}
            />
          </Field>
          <Field
            label="Clock skew (seconds)"
            htmlFor="p-skew"
            error={errors.clockSkewSeconds}
            hint="Tolerance for exp / nbf / iat, 0–300."
          >
            <input
              id="p-skew"
              type="number"
              min={0}
              max={300}
              className="input"
              value={Number.isNaN(draft.clockSkewSeconds) ? "" : draft.clockSkewSeconds}
              aria-invalid={!!errors.clockSkewSeconds || undefined}
              onChange={(e) => set("clockSkewSeconds", e.target.valueAsNumber)}
            />
          </Field>
        </div>
      </Card>

      <Card title="Token checks and quirks" description="Leave on the profile default unless Discover says otherwise.">
        <div className="space-y-5">
          <Field
            label="Accepted signing algorithms"
            htmlFor="p-alg-RS256"
            error={errorsUnder(errors, "algorithms")}
            hint="None ticked: every asymmetric algorithm. HMAC and none are never accepted."
          >
            <div className="flex flex-wrap gap-x-4 gap-y-2">
              {jwsAlgorithms.map((a) => (
                <label key={a} className="flex items-center gap-1.5 text-sm text-slate-700">
                  <input
                    id={`p-alg-${a}`}
                    type="checkbox"
                    className="size-4 rounded border-slate-300 accent-indigo-600"
                    checked={draft.algorithms.includes(a)}
                    onChange={(e) =>
                      set(
                        "algorithms",
                        e.target.checked ? [...draft.algorithms, a] : draft.algorithms.filter((x) => x !== a),
                      )
                    }
                  />
                  <span className="font-mono text-xs">{a}</span>
                </label>
              ))}
            </div>
          </Field>
          <Field
            label="Access token type"
            htmlFor="p-at-jwt"
            error={errors.requireAtJwt}
            hint="RFC 9068: refuse tokens without the typ header at+jwt. Turn on when the IdP issues them, so no other JWT it signs is taken for an access token."
          >
            <label className="flex items-center gap-1.5 text-sm text-slate-700">
              <input
                id="p-at-jwt"
                type="checkbox"
                className="size-4 rounded border-slate-300 accent-indigo-600"
                checked={draft.requireAtJwt}
                onChange={(e) => set("requireAtJwt", e.target.checked)}
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
                error={errors[`overrides.${t.key}`]}
              >
                <select
                  id={`p-ov-${t.key}`}
                  className="input"
                  value={triValue(t.key)}
                  onChange={(e) =>
                    set("overrides", {
                      ...draft.overrides,
                      [t.key]: e.target.value === "" ? undefined : e.target.value === "true",
                    })
                  }
                >
                  <option value="">Profile default</option>
                  <option value="true">Yes</option>
                  <option value="false">No</option>
                </select>
              </Field>
            ))}
            {TEXT.map((t) => (
              <Field key={t.key} label={t.label} htmlFor={t.id} hint={t.hint} error={errors[`overrides.${t.key}`]}>
                <input
                  id={t.id}
                  className="input font-mono"
                  value={draft.overrides[t.key] ?? ""}
                  onChange={(e) => set("overrides", { ...draft.overrides, [t.key]: e.target.value || undefined })}
                  placeholder={t.placeholder}
                />
              </Field>
            ))}
            {PAIRS.map((t) => (
              <Field
                key={t.key}
                label={t.label}
                htmlFor={t.id}
                hint={t.hint}
                error={errorsUnder(errors, `overrides.${t.key}`)}
              >
                <LinesInput
                  id={t.id}
                  value={draft.pairs[t.key]}
                  onChange={(v) => set("pairs", { ...draft.pairs, [t.key]: v })}
                  placeholder={t.placeholder}
                  invalid={!!errorsUnder(errors, `overrides.${t.key}`)}
                />
              </Field>
            ))}
          </div>
        </div>
      </Card>

      <FormActions busy={save.isPending} submitLabel={editing ? "Save changes" : "Create provider"} />
    </form>
  );
}
