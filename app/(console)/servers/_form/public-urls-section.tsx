"use client";
/** The external base URLs clients reach the gateway at; each gives the server its own resource and metadata. */
import { useFormContext } from "react-hook-form";
import { fieldError } from "@/app/_lib/form";
import { LinesController } from "@/components/lines-controller";
import { Card, Field } from "@/components/ui";
import type { ServerFormValues } from "./values";

export function PublicUrlsSection() {
  const { control, formState, register } = useFormContext<ServerFormValues>();
  return (
    <Card
      title="Public URLs"
      description="The external base URLs clients reach this gateway at. Each one gets its own resource and metadata document, and all are accepted audiences."
    >
      <Field
        label="Public base URLs"
        htmlFor="s-public"
        error={fieldError(formState.errors, "publicUrls")}
        hint="One per line. Empty: PUBLIC_URL, else the address of each request."
      >
        <LinesController
          control={control}
          name="publicUrls"
          id="s-public"
          rows={2}
          placeholder={"https://mcp.example.com\nhttps://internal-gw.example.com"}
        />
      </Field>
      <Field
        label="Routing"
        htmlFor="s-host-routing"
        error={fieldError(formState.errors, "routing")}
        hint="Answer only on the hosts above, so servers on different hosts can share a path such as /mcp (Claude.ai needs exactly /mcp)."
      >
        <label className="flex items-center gap-2 text-sm">
          <input id="s-host-routing" type="checkbox" {...register("hostRouting")} /> Only on these hosts
        </label>
      </Field>
    </Card>
  );
}
