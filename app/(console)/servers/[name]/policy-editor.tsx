"use client";
/**
 * The server's rules, rate limits and audit, edited as one form typed by the
 * shared schema (`serverOperationsSchema`, validated with the zod resolver)
 * and saved with PUT /api/servers/:name/policy. A section switched off is
 * left out of the payload (no rules: the server behaves as before).
 */
import { useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { zodResolver } from "@hookform/resolvers/zod";
import {
  Controller,
  get,
  useFieldArray,
  useForm,
  useWatch,
  type Control,
  type FieldErrors,
  type Resolver,
} from "react-hook-form";
import type { z } from "zod";
import type { ServerView } from "@/lib/config/model";
import { policyActions, serverOperationsSchema } from "@/lib/config/schema";
import { api, errorMessage, isApiError } from "@/app/_lib/api";
import { Alert, Badge, Button, Card, Field, LinesInput, Switch } from "@/components/ui";

type Values = z.input<typeof serverOperationsSchema>;
type Rule = NonNullable<NonNullable<Values["policy"]>["rules"]>[number];

const NEW_RULE: Rule = { name: "", action: "deny" };
const NEW_POLICY = { default: "allow" as const, rules: [], impliedScopes: {} };
const NEW_LIMITS = { by: "subject" as const, perCaller: { capacity: 60, refillPerSecond: 1 }, perTool: [] };

/** `groups=eng,ops` per line ↔ `{ groups: ["eng", "ops"] }`. */
const claimsToLines = (c?: Record<string, string[]>) => Object.entries(c ?? {}).map(([k, v]) => `${k}=${v.join(",")}`);
function linesToClaims(lines: string[]): Record<string, string[]> | undefined {
  const out: Record<string, string[]> = {};
  for (const l of lines) {
    const i = l.indexOf("=");
    const k = (i < 0 ? l : l.slice(0, i)).trim();
    if (!k) continue;
    out[k] = (i < 0 ? "" : l.slice(i + 1))
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  }
  return Object.keys(out).length ? out : undefined;
}
/** `admin=read,write` per line ↔ impliedScopes. */
const linesToImplied = (lines: string[]) => linesToClaims(lines) ?? {};

/** An object with at least one field set (an empty `caller` is no condition at all). */
const hasAny = (o: object) => Object.values(o).some((x) => x !== undefined);

/**
 * A section is on when its required field is set (the field arrays create empty parents of their own):
 * sections switched off are left out before validation and saving.
 */
const prune = (v: Values): Values => ({
  policy:
    v.policy?.default !== undefined
      ? {
          ...v.policy,
          rules: v.policy.rules?.map((r) => (r.caller && !hasAny(r.caller) ? { ...r, caller: undefined } : r)),
        }
      : undefined,
  rateLimits: v.rateLimits?.by !== undefined ? v.rateLimits : undefined,
  audit: v.audit?.enabled !== undefined ? v.audit : undefined,
});
const resolver: Resolver<Values, unknown, z.output<typeof serverOperationsSchema>> = (values, ctx, opts) =>
  zodResolver(serverOperationsSchema)(prune(values), ctx, opts);

/** API field paths (`policy.rules[0].name`) as form paths (`policy.rules.0.name`). */
const formPath = (p: string) => p.replace(/\[(\d+)\]/g, ".$1");

function ListField(props: {
  control: Control<Values>;
  name: string;
  label: string;
  hint?: string;
  placeholder?: string;
  errors: FieldErrors<Values>;
}) {
  const id = props.name.replace(/\W/g, "-");
  const message = (get(props.errors, props.name) as { message?: string } | undefined)?.message;
  return (
    <Field label={props.label} htmlFor={id} hint={props.hint} error={message}>
      <Controller
        control={props.control}
        name={props.name as "policy.rules.0.names"}
        render={({ field }) => (
          <LinesInput
            id={id}
            rows={2}
            value={(field.value as string[] | undefined) ?? []}
            placeholder={props.placeholder}
            invalid={!!message}
            onChange={(v) => field.onChange(v.length ? v : undefined)}
          />
        )}
      />
    </Field>
  );
}

export function PolicyEditor({ server }: { server: ServerView }) {
  const qc = useQueryClient();
  const form = useForm<Values, unknown, z.output<typeof serverOperationsSchema>>({
    resolver,
    defaultValues: { policy: server.policy, rateLimits: server.rateLimits, audit: server.audit },
  });
  const { control, register, handleSubmit, watch, setValue, setError, formState } = form;
  const errors = formState.errors;
  const rules = useFieldArray({ control, name: "policy.rules" });
  const tools = useFieldArray({ control, name: "rateLimits.perTool" });
  const policyOn = useWatch({ control, name: "policy.default" }) !== undefined;
  const limitsOn = useWatch({ control, name: "rateLimits.by" }) !== undefined;
  const auditOn = useWatch({ control, name: "audit.enabled" }) !== undefined;
  const isOAuth = server.auth === "oauth";
  // "Saved" until the operator changes something again.
  const [saved, setSaved] = useState(false);

  const save = useMutation({
    mutationFn: (body: z.output<typeof serverOperationsSchema>) =>
      api<ServerView>(`/api/servers/${encodeURIComponent(server.name)}/policy`, { method: "PUT", body }),
    onSuccess: (v) => {
      qc.setQueryData(["server", server.name], v);
      qc.invalidateQueries({ queryKey: ["servers"] });
      form.reset({ policy: v.policy, rateLimits: v.rateLimits, audit: v.audit });
      setSaved(true);
    },
    onError: (e) => {
      if (isApiError(e)) for (const f of e.fields) setError(formPath(f.path) as "policy", { message: f.message });
    },
  });
  const err = (path: string) => (get(errors, path) as { message?: string } | undefined)?.message;

  return (
    <Card
      title="Rules, rate limits and audit"
      description="Per MCP operation: who may call which tool, prompt or resource, how often, and what is recorded. Changes apply on every replica at once."
    >
      <form
        onSubmit={handleSubmit((v) => save.mutate(v))}
        onChange={() => setSaved(false)}
        onClick={(e) => (e.target as HTMLElement).closest("button[type=button]") && setSaved(false)}
        noValidate
        className="space-y-6"
        data-testid="policy-editor"
      >
        {save.isError && <Alert title="Not saved">{errorMessage(save.error)}</Alert>}
        {saved && <Alert tone="green">Saved. The gateway applies it now.</Alert>}
        {Object.keys(errors).length > 0 && <Alert title="Not saved">Fix the highlighted fields.</Alert>}

        <section className="space-y-4">
          <Switch
            id="policy-on"
            checked={policyOn}
            onChange={(on) => setValue("policy", on ? NEW_POLICY : undefined, { shouldDirty: true })}
            label="Rules"
            description="Ordered: the first rule that matches an operation decides. Without rules every operation a valid token makes is allowed."
          />
          {policyOn && (
            <>
              <div className="grid gap-4 sm:grid-cols-2">
                <Field label="Operations no rule matches" htmlFor="policy-default" error={err("policy.default")}>
                  <select id="policy-default" className="input" {...register("policy.default")}>
                    <option value="allow">allow</option>
                    <option value="deny">deny (initialize, ping, notifications and lists stay allowed)</option>
                  </select>
                </Field>
                <Field
                  label="Implied scopes"
                  htmlFor="policy-implied"
                  hint="One per line: a broad scope and the scopes it implies, e.g. admin=read,write"
                  error={err("policy.impliedScopes")}
                >
                  <Controller
                    control={control}
                    name="policy.impliedScopes"
                    render={({ field }) => (
                      <LinesInput
                        id="policy-implied"
                        rows={2}
                        value={claimsToLines(field.value as Record<string, string[]> | undefined)}
                        onChange={(v) => field.onChange(linesToImplied(v))}
                      />
                    )}
                  />
                </Field>
              </div>
              <ol className="space-y-3">
                {rules.fields.map((f, i) => {
                  const p = `policy.rules.${i}` as const;
                  const action = watch(`${p}.action`);
                  return (
                    <li key={f.id} className="rounded-md border border-slate-200 p-4" data-testid={`rule-${i}`}>
                      <div className="mb-3 flex flex-wrap items-end gap-3">
                        <Badge tone="slate">{i + 1}</Badge>
                        <Field label="Name" htmlFor={`${p}.name`} error={err(`${p}.name`)} className="min-w-40 flex-1">
                          <input id={`${p}.name`} className="input" {...register(`${p}.name`)} />
                        </Field>
                        <Field label="Action" htmlFor={`${p}.action`} error={err(`${p}.action`)}>
                          <select id={`${p}.action`} className="input" {...register(`${p}.action`)}>
                            {policyActions
                              .filter((a) => isOAuth || a !== "require")
                              .map((a) => (
                                <option key={a} value={a}>
                                  {a === "require" ? "require scopes" : a}
                                </option>
                              ))}
                          </select>
                        </Field>
                        <div className="flex gap-1">
                          <Button
                            size="sm"
                            disabled={i === 0}
                            onClick={() => rules.move(i, i - 1)}
                            aria-label="Move up"
                          >
                            ↑
                          </Button>
                          <Button
                            size="sm"
                            disabled={i === rules.fields.length - 1}
                            onClick={() => rules.move(i, i + 1)}
                            aria-label="Move down"
                          >
                            ↓
                          </Button>
                          <Button size="sm" onClick={() => rules.remove(i)}>
                            Remove
                          </Button>
                        </div>
                      </div>
                      <div className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                        <ListField
                          control={control}
                          errors={errors}
                          name={`${p}.methods`}
                          label="MCP methods"
                          hint="Globs; empty: every method"
                          placeholder="tools/call"
                        />
                        <ListField
                          control={control}
                          errors={errors}
                          name={`${p}.names`}
                          label="Tool, prompt or resource"
                          hint="Globs; empty: any operation"
                          placeholder="db_*"
                        />
                        {action === "require" && (
                          <ListField
                            control={control}
                            errors={errors}
                            name={`${p}.scopes`}
                            label="Scopes the operation needs"
                            placeholder="mcp:write"
                          />
                        )}
                        {isOAuth && (
                          <>
                            <ListField
                              control={control}
                              errors={errors}
                              name={`${p}.caller.scopes`}
                              label="Caller holds scopes"
                            />
                            <ListField
                              control={control}
                              errors={errors}
                              name={`${p}.caller.subjects`}
                              label="Caller subjects"
                              hint="Globs on sub"
                            />
                            <ListField
                              control={control}
                              errors={errors}
                              name={`${p}.caller.clients`}
                              label="Caller client ids"
                              hint="Globs"
                            />
                            <Field
                              label="Caller claims"
                              htmlFor={`${p}-claims`}
                              hint="One per line: claim=pattern,pattern"
                              error={err(`${p}.caller.claims`) ?? err(`${p}.caller`)}
                            >
                              <Controller
                                control={control}
                                name={`${p}.caller.claims`}
                                render={({ field }) => (
                                  <LinesInput
                                    id={`${p}-claims`}
                                    rows={2}
                                    value={claimsToLines(field.value)}
                                    placeholder="groups=admins"
                                    onChange={(v) => field.onChange(linesToClaims(v))}
                                  />
                                )}
                              />
                            </Field>
                          </>
                        )}
                      </div>
                    </li>
                  );
                })}
              </ol>
              <Button onClick={() => rules.append(NEW_RULE)}>Add rule</Button>
            </>
          )}
        </section>

        <section className="space-y-4 border-t border-slate-100 pt-5">
          <Switch
            id="limits-on"
            checked={limitsOn}
            onChange={(on) => setValue("rateLimits", on ? NEW_LIMITS : undefined, { shouldDirty: true })}
            label="Rate limits"
            description="Token buckets per caller, and per caller and tool; over the limit the client gets 429 with Retry-After."
          />
          {limitsOn && (
            <div className="space-y-3">
              {err("rateLimits") && <p className="text-xs text-rose-600">{err("rateLimits")}</p>}
              <div className="grid gap-3 sm:grid-cols-3">
                <Field label="Caller is" htmlFor="rl-by" error={err("rateLimits.by")}>
                  <select id="rl-by" className="input" {...register("rateLimits.by")}>
                    <option value="subject">the token's subject</option>
                    <option value="client">the token's client id</option>
                  </select>
                </Field>
                <Field label="Per caller: burst" htmlFor="rl-cap" error={err("rateLimits.perCaller.capacity")}>
                  <input
                    id="rl-cap"
                    type="number"
                    className="input"
                    {...register("rateLimits.perCaller.capacity", { valueAsNumber: true })}
                  />
                </Field>
                <Field
                  label="Per caller: per second"
                  htmlFor="rl-rate"
                  error={err("rateLimits.perCaller.refillPerSecond")}
                >
                  <input
                    id="rl-rate"
                    type="number"
                    step="any"
                    className="input"
                    {...register("rateLimits.perCaller.refillPerSecond", { valueAsNumber: true })}
                  />
                </Field>
              </div>
              {tools.fields.map((f, i) => (
                <div key={f.id} className="grid items-end gap-3 sm:grid-cols-[2fr_1fr_1fr_auto]">
                  <ListField
                    control={control}
                    errors={errors}
                    name={`rateLimits.perTool.${i}.names`}
                    label="Tools"
                    placeholder="search_*"
                  />
                  <Field label="Burst" htmlFor={`rl-t${i}-cap`} error={err(`rateLimits.perTool.${i}.capacity`)}>
                    <input
                      id={`rl-t${i}-cap`}
                      type="number"
                      className="input"
                      {...register(`rateLimits.perTool.${i}.capacity`, { valueAsNumber: true })}
                    />
                  </Field>
                  <Field
                    label="Per second"
                    htmlFor={`rl-t${i}-rate`}
                    error={err(`rateLimits.perTool.${i}.refillPerSecond`)}
                  >
                    <input
                      id={`rl-t${i}-rate`}
                      type="number"
                      step="any"
                      className="input"
                      {...register(`rateLimits.perTool.${i}.refillPerSecond`, { valueAsNumber: true })}
                    />
                  </Field>
                  <Button size="sm" onClick={() => tools.remove(i)}>
                    Remove
                  </Button>
                </div>
              ))}
              <Button onClick={() => tools.append({ names: [], capacity: 10, refillPerSecond: 1 })}>
                Add a tool limit
              </Button>
            </div>
          )}
        </section>

        <section className="space-y-3 border-t border-slate-100 pt-5">
          <Switch
            id="audit-on"
            checked={auditOn}
            onChange={(on) =>
              setValue("audit", on ? { enabled: true, arguments: false } : undefined, { shouldDirty: true })
            }
            label="Audit trail"
            description="Every MCP operation recorded in the database: who, what, the decision and its rule, status and latency. Never the token."
          />
          {auditOn && (
            <Controller
              control={control}
              name="audit.arguments"
              render={({ field }) => (
                <Switch
                  id="audit-args"
                  checked={Boolean(field.value)}
                  onChange={field.onChange}
                  label="Record tool-call arguments"
                  description="Off by default: arguments may hold personal data."
                />
              )}
            />
          )}
        </section>

        <div className="flex justify-end">
          <Button type="submit" variant="primary" busy={save.isPending}>
            Save rules
          </Button>
        </div>
      </form>
    </Card>
  );
}
