import type { Metadata } from "next";
import { PageHeader } from "@/components/ui";
import { ServerForm } from "../_form/server-form";

export const metadata: Metadata = { title: "New server" };

export default function NewServerPage() {
  return (
    <>
      <PageHeader
        title="New server"
        description="Publish an upstream MCP server through the gateway. The preview shows the URLs clients will use as you type."
      />
      <ServerForm />
    </>
  );
}
