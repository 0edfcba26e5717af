import type { ReactNode } from "react";
import { headers } from "next/headers";
import { Sidebar } from "@/components/sidebar";
import { QueryProvider } from "@/components/query-provider";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  // The gateway's guard authenticated this request and names the admin here.
  const actor = (await headers()).get("x-portcullis-actor") ?? "admin";
  const display = actor.replace(/^(session|user|token):/, "");
  return (
    <QueryProvider>
      <div className="flex min-h-screen">
        <Sidebar actor={display} />
        <main className="min-w-0 flex-1">
          <div className="mx-auto max-w-6xl px-8 py-8">{children}</div>
        </main>
      </div>
    </QueryProvider>
  );
}
