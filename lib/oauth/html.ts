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

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.3rem}dl{display:grid;grid-template-columns:max-content 1fr;gap:.4rem 1rem}dt{color:#555}dd{margin:0;word-break:break-all}
code{background:#f2f2f2;padding:0 .25rem;border-radius:3px}.warn{background:#fff6e0;border:1px solid #f0c36d;padding:.6rem .8rem;border-radius:4px}
.actions{display:flex;gap:.75rem;margin-top:1.5rem}button{font:inherit;padding:.5rem 1.2rem;border-radius:4px;border:1px solid #888;background:#fff;cursor:pointer}
button.primary{background:#1f4fd1;color:#fff;border-color:#1f4fd1}`;

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="referrer" content="no-referrer"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
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
