"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useState } from "react";
import { Logo } from "./logo";
import { cx } from "./ui";

const NAV = [
  { href: "/servers", label: "Servers", icon: "M4 5h16v5H4zM4 14h16v5H4zM7 7.5h.01M7 16.5h.01" },
  { href: "/providers", label: "Providers", icon: "M12 3l8 4v5c0 5-3.5 8-8 9-4.5-1-8-4-8-9V7z" },
  { href: "/inspector", label: "Inspector", icon: "M11 4a7 7 0 1 0 0 14 7 7 0 0 0 0-14zM20 20l-4-4" },
  { href: "/log", label: "Live log", icon: "M4 6h16M4 12h10M4 18h13" },
  { href: "/audit", label: "Audit", icon: "M9 4h6l1 2h3v14H5V6h3zM9 11h6M9 15h4" },
  {
    href: "/config",
    label: "Config",
    icon: "M8 4H6a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V10l-6-6zM14 4v6h6",
  },
];

export function Sidebar({ actor }: { actor: string }) {
  const pathname = usePathname();
  const router = useRouter();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    await fetch("/api/auth/logout", { method: "POST", credentials: "same-origin" }).catch(() => {});
    router.replace("/login?signed_out=1");
    router.refresh();
  }

  return (
    <aside className="sticky top-0 flex h-screen w-56 shrink-0 flex-col border-r border-slate-200 bg-white">
      <Link href="/servers" className="flex items-center gap-2.5 px-5 py-5">
        <Logo />
        <span className="text-base font-semibold tracking-tight">Portcullis</span>
      </Link>
      <nav className="flex-1 space-y-0.5 px-3" aria-label="Main">
        {NAV.map((n) => {
          const active = pathname === n.href || pathname.startsWith(n.href + "/");
          return (
            <Link
              key={n.href}
              href={n.href}
              aria-current={active ? "page" : undefined}
              className={cx(
                "flex items-center gap-2.5 rounded-md px-3 py-2 text-sm font-medium",
                active ? "bg-indigo-50 text-indigo-700" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900",
              )}
            >
              <svg
                viewBox="0 0 24 24"
                className="size-4 shrink-0"
                fill="none"
                stroke="currentColor"
                strokeWidth="1.8"
                strokeLinecap="round"
                strokeLinejoin="round"
                aria-hidden
              >
                <path d={n.icon} />
              </svg>
              {n.label}
            </Link>
          );
        })}
      </nav>
      <div className="border-t border-slate-100 px-5 py-4">
        <div className="truncate text-xs text-slate-500" title={actor}>
          Signed in as <span className="font-medium text-slate-700">{actor}</span>
        </div>
        <button
          type="button"
          onClick={signOut}
          disabled={busy}
          className="mt-2 text-xs font-medium text-slate-600 hover:text-slate-900 disabled:opacity-50"
        >
          {busy ? "Signing out…" : "Sign out"}
        </button>
      </div>
    </aside>
  );
}
