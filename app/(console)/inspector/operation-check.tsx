"use client";
/**
 * "May this token call tool X on this server?": the pasted token through the
 * proxy's checks and the server's rules (POST /api/policy/check), with the
 * rule that decided, why each earlier rule did not match, and the scopes missing.
 */
import { useMutation } from "@tanstack/react-query";
import { zodResolver } from "@hookform/resolvers/zod";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import type { ServerView } from "@/lib/config/model";
import { operationCheckSchema, type OperationCheck } from "@/lib/inspect/operation";
import { api, errorMessage } from "@/app/_lib/api";
import { Alert, Badge, Button, Card, Field, cx } from "@/components/ui";

const formSchema = operationCheckSchema.omit({ token: true });
type Values = z.input<typeof formSchema>;

const STEP_LABEL: Record<string, string> = {
  method: "the method does not match",
  name: "the name does not match",
  scopes: "the caller lacks a scope",
  subject: "the subject does not match",
  client: "the client does not match",
  claims: "a claim does not match",
};

export function OperationCheckCard({ token, servers }: { token: string; servers: ServerView[] }) {
  const form = useForm<Values, unknown, z.output<typeof formSchema>>({
    resolver: zodResolver(formSchema),
    defaultValues: { server: servers[0]?.name ?? "", method: "tools/call", name: "" },
  });
  const check = useMutation({
    mutationFn: (v: z.output<typeof formSchema>) =>
      api<OperationCheck>("/api/policy/check", { method: "POST", body: { ...v, token: token.trim() } }),
  });
  const e = form.formState.errors;
  const r = check.data;
  return (
    <Card
      title="May this token make this call?"
      description="Runs the token through the server's checks and its rules, as the proxy would for this operation."
    >
      <form
        onSubmit={form.handleSubmit((v) => check.mutate(v))}
        className="grid gap-4 sm:grid-cols-4"
        data-testid="operation-check"
      >
        <Field label="Server" htmlFor="oc-server" error={e.server?.message}>
          <select id="oc-server" className="input" {...form.register("server")}>
            {servers.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="MCP method" htmlFor="oc-method" error={e.method?.message}>
          <input id="oc-method" className="input font-mono" {...form.register("method")} />
        </Field>
        <Field label="Tool, prompt or resource" htmlFor="oc-name" error={e.name?.message}>
          <input
            id="oc-name"
            className="input font-mono"
            placeholder="echo"
            {...form.register("name", { setValueAs: (v: string) => v || undefined })}
          />
        </Field>
        <div className="flex items-end">
          <Button type="submit" variant="primary" busy={check.isPending} disabled={!token.trim()}>
            Check
          </Button>
        </div>
      </form>
      {check.isError && <Alert title="Could not check">{errorMessage(check.error)}</Alert>}
      {r && (
        <div className="mt-4 space-y-3" data-testid="operation-verdict" data-allowed={r.allowed}>
          <div
            className={cx(
              "rounded-md border px-4 py-3 text-sm",
              r.allowed
                ? "border-emerald-200 bg-emerald-50 text-emerald-900"
                : "border-rose-200 bg-rose-50 text-rose-900",
            )}
          >
            <p className="font-semibold">
              {r.allowed ? "Allowed" : `Refused · ${r.status}`} — {r.operation.method}
              {r.operation.name ? ` ${r.operation.name}` : ""}
            </p>
            <p className="mt-1">
              {r.outcome === "token_rejected"
                ? `The token itself is refused: ${r.token.failed?.message ?? "see the checks above"}.`
                : r.outcome === "no_rules"
                  ? "This server has no rules: every operation a valid token makes is allowed."
                  : r.source === "rule"
                    ? `Decided by rule "${r.rule}" (${r.outcome}).`
                    : r.source === "exempt"
                      ? "No rule matches; protocol housekeeping and lists are always allowed."
                      : `No rule matches: the server's default (${r.outcome}).`}
            </p>
            {r.missingScopes.length > 0 && (
              <p className="mt-1">
                Missing scopes: <code data-testid="missing-scopes">{r.missingScopes.join(" ")}</code> — the client gets
                a 403 insufficient_scope challenge for <code>{r.neededScopes.join(" ")}</code> and can step up.
              </p>
            )}
          </div>
          {r.trace.length > 0 && (
            <ol className="space-y-1 text-xs">
              {r.trace.map((t, i) => (
                <li key={t.rule} className="flex items-center gap-2">
                  <Badge tone={t.matched ? "indigo" : "slate"}>{i + 1}</Badge>
                  <code className="font-semibold">{t.rule}</code>
                  <span className="text-slate-500">{t.action}</span>
                  <span className={t.matched ? "font-medium text-indigo-700" : "text-slate-500"}>
                    {t.matched ? "matched: decides" : `skipped: ${STEP_LABEL[t.failedStep ?? ""] ?? t.failedStep}`}
                  </span>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </Card>
  );
}
