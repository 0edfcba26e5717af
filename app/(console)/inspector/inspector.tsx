"use client";
import { useEffect } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { ServerView } from "@/lib/config/model";
import type { InspectResult } from "@/lib/inspect";
import { inspectRequestSchema } from "@/lib/inspect/request";
import type { Diagnosis } from "@/lib/tokens/types";
import { DiagnosisView } from "./diagnosis-view";
import { OperationCheckCard } from "./operation-check";
import type { RequestLogEntry } from "@/lib/runtime/request-log";
import { api, errorMessage, fieldErrorMap } from "@/app/_lib/api";
import { clockTime } from "@/app/_lib/format";
import { apiPayloadSchema, fieldError } from "@/app/_lib/form";
import { Alert, Button, Card, EmptyState, ErrorState, Field, Loading, PageHeader } from "@/components/ui";

type InspectValues = { token: string; server: string };

/** The form's values as the API body ("" = pick the server by the token), checked by the route's own schema. */
const inspectFormSchema = apiPayloadSchema(inspectRequestSchema, (v: InspectValues) => ({
  payload: { token: v.token.trim(), server: v.server || undefined },
}));

const PICK_LABEL: Record<InspectResult["pick"]["by"], string> = {
  given: "chosen by you",
  iss_and_aud: "picked by the token's iss and aud",
  iss: "picked by the token's iss",
  only_server: "the only OAuth server",
};

export function Inspector() {
  const params = useSearchParams();
  const requestId = params.get("request");
  const form = useForm({ resolver: zodResolver(inspectFormSchema), defaultValues: { token: "", server: "" } });
  const token = useWatch({ control: form.control, name: "token" });
  const servers = useQuery({ queryKey: ["servers"], queryFn: () => api<ServerView[]>("/api/servers") });
  const oauthServers = (servers.data ?? []).filter((s) => s.auth === "oauth");

  const inspect = useMutation({
    mutationFn: (vars: { token: string; server?: string }) =>
      api<InspectResult>("/api/inspect", { method: "POST", body: vars }),
  });
  const stored = useQuery({
    queryKey: ["request", requestId],
    queryFn: () => api<RequestLogEntry>(`/api/requests/${encodeURIComponent(requestId!)}`),
    enabled: Boolean(requestId),
    staleTime: Infinity,
  });

  // The token lives in this component's memory only: gone when the page is left.
  const { setValue } = form;
  useEffect(() => () => setValue("token", ""), [setValue]);

  const run = form.handleSubmit((body) => inspect.mutate(body));
  const errors = fieldErrorMap(inspect.error);
  const err = (path: "token" | "server") => fieldError(form.formState.errors, path) ?? errors[path];
  const showStored = Boolean(requestId) && !inspect.data && !inspect.isPending;

  return (
    <>
      <PageHeader
        title="Token inspector"
        description="Paste an access token to see exactly what the gateway checks, what it expected, and how to fix a rejection. The token is sent only to this gateway, never stored or logged."
      />
      <div className="space-y-6">
        <Card>
          <form onSubmit={run} className="grid gap-5 lg:grid-cols-4">
            <Field label="Access token" htmlFor="token" error={err("token")} className="lg:col-span-3">
              <textarea
                id="token"
                rows={4}
                className="input font-mono text-xs break-all"
                placeholder="eyJhbGciOiJSUzI1NiIsImtpZCI6Ij…"
                spellCheck={false}
                autoComplete="off"
                autoCorrect="off"
                autoCapitalize="off"
                aria-invalid={!!err("token") || undefined}
                {...form.register("token")}
              />
            </Field>
            <div className="flex flex-col gap-4">
              <Field label="Server" htmlFor="server" error={err("server")}>
                <select id="server" className="input" {...form.register("server")}>
                  <option value="">Auto (by iss / aud)</option>
                  {oauthServers.map((s) => (
                    <option key={s.name} value={s.name}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
              <Button type="submit" variant="primary" busy={inspect.isPending} disabled={!token.trim()}>
                Inspect token
              </Button>
            </div>
          </form>
        </Card>

        {token.trim() && oauthServers.length > 0 && <OperationCheckCard token={token} servers={oauthServers} />}

        {inspect.isError && !Object.keys(errors).length && <ErrorState error={inspect.error} retry={() => run()} />}
        {inspect.isError && Object.keys(errors).length > 0 && <Alert>{errorMessage(inspect.error)}</Alert>}

        {inspect.data && (
          <DiagnosisView
            diagnosis={inspect.data.diagnosis}
            server={inspect.data.server}
            pickNote={`${PICK_LABEL[inspect.data.pick.by]}${inspect.data.pick.alternatives.length ? ` · also matches ${inspect.data.pick.alternatives.join(", ")}` : ""}`}
            onFixed={() => inspect.mutate({ token: form.getValues("token").trim(), server: inspect.data!.server })}
            canRerun={Boolean(token.trim())}
          />
        )}

        {showStored &&
          (stored.isPending ? (
            <Loading label="Loading the stored diagnosis…" />
          ) : stored.isError ? (
            <ErrorState error={stored.error} />
          ) : stored.data.diagnosis ? (
            <>
              <Alert
                tone="sky"
                title={`Stored diagnosis of a ${stored.data.outcome} request to ${stored.data.server} at ${clockTime(stored.data.at)}`}
              >
                The gateway keeps the diagnosis, not the token. Apply a fix below, then paste the token (or retry from
                the client) to check again.
              </Alert>
              <DiagnosisView
                diagnosis={stored.data.diagnosis as Diagnosis}
                server={stored.data.server}
                canRerun={false}
              />
            </>
          ) : (
            <EmptyState title="No diagnosis stored for this request">
              {stored.data.reason ?? "The request carried no token, so there was nothing to check."}
            </EmptyState>
          ))}

        {!inspect.data && !requestId && !inspect.isPending && (
          <EmptyState title="Nothing inspected yet">
            Paste a token above. Rejected requests in the{" "}
            <Link className="text-indigo-700 underline" href="/log">
              live log
            </Link>{" "}
            open here with their diagnosis too.
          </EmptyState>
        )}
      </div>
    </>
  );
}
