/**
 * Server-rendered pages of the facade: the consent page (MCP spec: a proxy with
 * a static IdP client must ask the user before relaying, or any client
 * could ride on earlier IdP consent — the confused deputy) and the error page
 * shown whenever redirecting would be unsafe. No scripts; framing forbidden.
 */
import type { ServerResponse } from "node:http";

export const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "cache-control": "no-store",
  pragma: "no-cache",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

export const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"'`]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;", "`": "&#96;" })[c]!,
  );

// The console's look (Tailwind's slate and indigo, its card and button), inline: the page loads nothing.
const STYLE = `*{box-sizing:border-box}html{color-scheme:light}
body{margin:0;background:#f8fafc;color:#0f172a;font:14px/1.55 ui-sans-serif,system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;-webkit-font-smoothing:antialiased}
main{max-width:36rem;margin:3rem auto;padding:0 1rem}
.brand{display:flex;align-items:center;gap:.6rem;margin-bottom:1.25rem;font-weight:600;font-size:15px;color:#0f172a}
.card{background:#fff;border:1px solid #e2e8f0;border-radius:.5rem;box-shadow:0 1px 2px rgb(0 0 0/.05);padding:1.5rem}
h1{font-size:1.125rem;line-height:1.4;font-weight:600;margin:0 0 1rem;overflow-wrap:anywhere}
p{margin:0 0 1rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1rem;margin:0 0 1rem;font-size:13px}
dt{color:#64748b}dd{margin:0;overflow-wrap:anywhere}ul{margin:0;padding-left:1.1rem}
code{font:12px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f1f5f9;color:#334155;padding:.05rem .3rem;border-radius:.25rem;overflow-wrap:anywhere}
.warn{background:#fffbeb;border:1px solid #fde68a;color:#78350f;padding:.75rem 1rem;border-radius:.375rem;font-size:13px}
.actions{display:flex;justify-content:flex-end;gap:.5rem;margin-top:1.25rem;padding-top:1rem;border-top:1px solid #f1f5f9}
button{font:inherit;font-weight:500;padding:.45rem 1rem;border-radius:.375rem;border:1px solid #cbd5e1;background:#fff;color:#334155;cursor:pointer}
button:hover{background:#f8fafc}button.primary{background:#4f46e5;border-color:#4f46e5;color:#fff}button.primary:hover{background:#6366f1}
:focus-visible{outline:2px solid #6366f1;outline-offset:2px}`;

/** The console's mark (components/logo.tsx), inline. */
const LOGO = `<svg width="28" height="28" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="7" fill="#4f46e5"/><path d="M8 9h16M8 9v15M24 9v15M12 9v15M16 9v15M20 9v15M8 14h16M8 19h16" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body><main><div class="brand">${LOGO}Portcullis</div><div class="card">${body}</div></main></body></html>`;
}

export type ConsentView = {
  action: string;
  ticket: string;
  clientName?: string;
  clientId: string;
  clientUri?: string;
  redirectUri: string;
  providerLabel: string;
  servers: { name: string; title?: string; resource: string }[];
  scopes: string[];
  /** The client is known by its client ID metadata document (client id = its URL): the document's host. */
  documentHost?: string;
  /** Every redirect URI the client uses is loopback (anything on the user's machine can receive the code). */
  loopbackOnly?: boolean;
};

export function renderConsentPage(v: ConsentView): string {
  const name = v.clientName ? escapeHtml(v.clientName) : "An unnamed application";
  const redirectHost = (() => {
    try {
      return new URL(v.redirectUri).host || v.redirectUri;
    } catch {
      return v.redirectUri;
    }
  })();
  const servers = v.servers
    .map((s) => `<li><strong>${escapeHtml(s.title ?? s.name)}</strong> <code>${escapeHtml(s.resource)}</code></li>`)
    .join("");
  const scopes = v.scopes.length
    ? v.scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(" ")
    : "<em>none requested</em>";
  return page(
    "Authorize access",
    `<h1>${name} wants to access MCP servers on your behalf</h1>
<p class="warn">The application's name is chosen by the application itself and is not verified. After you sign in at ${escapeHtml(v.providerLabel)}, the result is sent to <strong>${escapeHtml(redirectHost)}</strong>. Only continue if you started this and trust that address.</p>
${v.documentHost ? `<p>The application describes itself in a document published at <strong>${escapeHtml(v.documentHost)}</strong>.</p>` : ""}
${v.loopbackOnly ? `<p class="warn">Every redirect URI of this application is on the user's own machine (loopback): any program running on this computer could receive the result. Continue only if you just started this application here.</p>` : ""}
<dl>
<dt>Application</dt><dd>${name}${v.clientUri ? ` (<code>${escapeHtml(v.clientUri)}</code>)` : ""}</dd>
<dt>Client ID</dt><dd><code>${escapeHtml(v.clientId)}</code></dd>
<dt>Redirect URI</dt><dd><code>${escapeHtml(v.redirectUri)}</code></dd>
<dt>Servers</dt><dd><ul>${servers}</ul></dd>
<dt>Scopes</dt><dd>${scopes}</dd>
</dl>
<form method="post" action="${escapeHtml(v.action)}">
<input type="hidden" name="consent_ticket" value="${escapeHtml(v.ticket)}">
<div class="actions"><button class="primary" type="submit" name="decision" value="approve">Allow</button><button type="submit" name="decision" value="deny">Deny</button></div>
</form>`,
  );
}

export function renderErrorPage(title: string, message: string): string {
  return page(
    title,
    `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p><p>Return to the application and start again.</p>`,
  );
}

export function sendPage(
  res: ServerResponse,
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
) {
  res.writeHead(status, { ...PAGE_HEADERS, "content-length": Buffer.byteLength(html), ...headers });
  res.end(html);
}

export function sendErrorPage(
  res: ServerResponse,
  status: number,
  title: string,
  message: string,
  headers: Record<string, string> = {},
) {
  sendPage(res, status, renderErrorPage(title, message), headers);
}
