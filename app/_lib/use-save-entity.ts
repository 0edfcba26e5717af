"use client";
/**
 * Saving a provider or server from its form: POST to create, PUT to replace,
 * then refresh the cached list and entity and open its page. Field errors from
 * the API (same zod schema as the form) go back to the form.
 */
import { useRouter } from "next/navigation";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, errorMessage, fieldErrorMap, isApiError } from "./api";

export function useSaveEntity<T extends { name: string }>(
  kind: "providers" | "servers",
  existingName: string | undefined,
  form: { setFieldErrors(e: Record<string, string>): void; setFormError(m: string | undefined): void },
) {
  const router = useRouter();
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) =>
      existingName
        ? api<T>(`/api/${kind}/${encodeURIComponent(existingName)}`, { method: "PUT", body })
        : api<T>(`/api/${kind}`, { method: "POST", body }),
    onSuccess: (v) => {
      qc.invalidateQueries({ queryKey: [kind] });
      qc.setQueryData([kind === "providers" ? "provider" : "server", v.name], v);
      router.push(`/${kind}/${v.name}?saved=1`);
    },
    onError: (e) => {
      form.setFieldErrors(fieldErrorMap(e));
      form.setFormError(isApiError(e) && e.fields.length ? e.message : errorMessage(e));
    },
  });
}
