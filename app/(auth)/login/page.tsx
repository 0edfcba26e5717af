import type { Metadata } from "next";
import { Suspense } from "react";
import { Logo } from "@/components/logo";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default function LoginPage() {
  return (
    <main className="flex min-h-screen items-center justify-center bg-slate-50 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 flex flex-col items-center text-center">
          <Logo className="size-10" />
          <h1 className="mt-4 text-xl font-semibold tracking-tight">Sign in to Portcullis</h1>
          <p className="mt-1 text-sm text-slate-500">MCP authorization gateway console</p>
        </div>
        <div className="rounded-lg border border-slate-200 bg-white p-6 shadow-sm">
          <Suspense>
            <LoginForm />
          </Suspense>
        </div>
        <p className="mt-4 text-center text-xs leading-relaxed text-slate-500">
          First start? The bootstrap account is <code className="rounded bg-slate-100 px-1">admin</code>. Its password
          is <code className="rounded bg-slate-100 px-1">ADMIN_PASSWORD</code> if you set it, otherwise the one-time
          password the gateway printed to its log when it first started.
        </p>
      </div>
    </main>
  );
}
