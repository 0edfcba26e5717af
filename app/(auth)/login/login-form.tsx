"use client";
/** Sign-in: the body is validated by the login route's own schema; wrong credentials come back as one message. */
import { useState } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter, useSearchParams } from "next/navigation";
import { loginSchema } from "@/lib/admin/login-request";
import { api, errorMessage } from "@/app/_lib/api";
import { fieldError } from "@/app/_lib/form";
import { safeNext } from "@/app/_lib/safe-next";
import { Alert, Button, Field } from "@/components/ui";

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const form = useForm({ resolver: zodResolver(loginSchema), defaultValues: { username: "admin", password: "" } });
  const password = useWatch({ control: form.control, name: "password" });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const signedOut = params.get("signed_out") === "1";
  const err = (path: string) => fieldError(form.formState.errors, path);

  const submit = form.handleSubmit(async (body) => {
    setBusy(true);
    setError(undefined);
    try {
      await api("/api/auth/login", { method: "POST", body });
      router.replace(safeNext(params.get("next")));
      router.refresh();
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  });

  return (
    <form onSubmit={submit} className="space-y-4" noValidate>
      {signedOut && !error && <Alert tone="green">You are signed out.</Alert>}
      {error && <Alert>{error}</Alert>}
      <Field label="Username" htmlFor="username" error={err("username")}>
        <input id="username" className="input" autoComplete="username" {...form.register("username")} />
      </Field>
      <Field label="Password" htmlFor="password" error={err("password")}>
        <input
          id="password"
          type="password"
          className="input"
          autoComplete="current-password"
          autoFocus
          {...form.register("password")}
        />
      </Field>
      <Button type="submit" variant="primary" className="w-full" busy={busy} disabled={!password}>
        Sign in
      </Button>
    </form>
  );
}
