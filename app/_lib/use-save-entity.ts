"use client";
/**
 * Saving a provider or server from its form: validate with the form's
 * resolver, POST to create or PUT to replace, then refresh the cached list and
 * entity and open its page. Field errors from the API (same zod schema as the
 * form) are set on the form's fields. When saving fails, the first marked
 * field is scrolled into view and focused: the button is at the bottom of a
 * long form, the error may be at its top.
 */
import { useEffect, useRef, useState, type BaseSyntheticEvent } from "react";
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
  const formElement = useRef<HTMLFormElement | null>(null);
  const [failures, setFailures] = useState(0);
  // After the errors are rendered: the first marked field, else the "Not saved" notice.
  useEffect(() => {
    if (failures > 0) revealFirstError(formElement.current);
  }, [failures]);
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
      setFailures((n) => n + 1);
    },
  });
  const validateAndSave = form.handleSubmit(
    (body) => {
      setFormError(undefined);
      save.mutate(body);
    },
    () => {
      setFormError("Fix the highlighted fields.");
      setFailures((n) => n + 1);
    },
  );
  const submit = (e?: BaseSyntheticEvent) => {
    if (e?.currentTarget instanceof HTMLFormElement) formElement.current = e.currentTarget;
    return validateAndSave(e);
  };
  return { submit, formError, saving: save.isPending };
}

/** Scrolls the form's first invalid field (or its error notice) to the middle of the screen and focuses it. */
function revealFirstError(form: HTMLFormElement | null) {
  if (!form) return;
  const target =
    form.querySelector<HTMLElement>('[aria-invalid="true"], [data-field-error]') ??
    form.querySelector<HTMLElement>('[role="alert"]');
  if (!target) return;
  target.scrollIntoView({ block: "center" });
  const control = target.matches("input, select, textarea, button")
    ? target
    : target.querySelector<HTMLElement>("input, select, textarea, button");
  control?.focus({ preventScroll: true });
}
