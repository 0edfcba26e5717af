"use client";
/**
 * Saving a provider or server from its form: validate with the form's
 * resolver, POST to create or PUT to replace, then refresh the cached list and
 * entity and open its page. Field errors from the API (same zod schema as the
 * form) are set on the form's fields.
 */
import { useState } from "react";
import { useRouter } from "next/navigation";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, fieldErrorMap, isApiError } from "./api";
import { setServerErrors } from "./form";

export function useSaveEntityForm<T extends { name: string }, V extends FieldValues, P>(
  kind: "providers" | "servers",
  existingName: string | undefined,
  form: UseFormReturn<V, unknown, P>,
) {
  const router = useRouter();
  const qc = useQueryClient();
  const [formError, setFormError] = useState<string>();
  const save = useMutation({
    mutationFn: (body: P) =>
      existingName
        ? api<T>(`/api/${kind}/${encodeURIComponent(existingName)}`, { method: "PUT", body })
        : api<T>(`/api/${kind}`, { method: "POST", body }),
    onSuccess: (v) => {
      qc.invalidateQueries({ queryKey: [kind] });
      qc.setQueryData([kind === "providers" ? "provider" : "server", v.name], v);
      router.push(`/${kind}/${v.name}?saved=1`);
    },
    onError: (e) => {
      setServerErrors(form.setError, fieldErrorMap(e));
      setFormError(isApiError(e) && e.fields.length ? e.message : errorMessage(e));
    },
  });
  const submit = form.handleSubmit(
    (body) => {
      setFormError(undefined);
      save.mutate(body);
    },
    () => setFormError("Fix the highlighted fields."),
  );
  return { submit, formError, saving: save.isPending };
}
