"use client";
import { useRouter } from "next/navigation";
import { Button } from "./button";

/** The foot of an editor form: Cancel (back to where the operator came from) and the submit button. */
export function FormActions({ busy, submitLabel }: { busy: boolean; submitLabel: string }) {
  const router = useRouter();
  return (
    <div className="flex justify-end gap-2">
      <Button onClick={() => router.back()}>Cancel</Button>
      <Button type="submit" variant="primary" busy={busy}>
        {submitLabel}
      </Button>
    </div>
  );
}
