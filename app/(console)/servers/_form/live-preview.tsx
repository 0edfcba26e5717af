"use client";
/**
 * What MCP clients will see for the server being edited, per public URL, as the gateway will serve it.
 * The console's own address is read after hydration (the server render has none), so the first client
 * render matches the server's; nothing is shown for a server without a name, and no authorization server
 * before a provider is chosen.
 */
import { useMemo, useState, useSyncExternalStore } from "react";
import { previewServer, sourceLabel } from "@/app/_lib/preview";
import { Card, CopyButton, CopyField, Tabs } from "@/components/ui";
import { parseExtra, resourceMetadataOf, type ServerFormValues } from "./values";

export function LivePreview({
  values,
  providerIssuer,
  publicUrl,
}: {
  values: ServerFormValues;
  providerIssuer?: string;
  publicUrl?: string | null;
}) {
  const [tab, setTab] = useState(0);
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => null,
  );
  const name = values.name.trim();
  const previews = useMemo(() => {
    if (!origin || !name) return [];
    const validBases = values.publicUrls.filter((u) => {
      try {
        return /^https?:$/.test(new URL(u).protocol);
      } catch {
        return false;
      }
    });
    const extra = parseExtra(values.resourceMetadata.extra);
    return previewServer(
      {
        name,
        path: values.path || undefined,
        auth: values.auth,
        oauth: values.oauth,
        publicUrls: validBases.map((u) => u.replace(/\/+$/, "")),
        resourceMetadata: resourceMetadataOf(values.resourceMetadata, extra.ok ? extra.value : {}),
      },
      {
        publicUrl,
        origin,
        provider:
          providerIssuer && values.oauth.provider ? { name: values.oauth.provider, issuer: providerIssuer } : undefined,
      },
    );
  }, [values, providerIssuer, publicUrl, origin, name]);
  const p = previews[Math.min(tab, previews.length - 1)];
  const noProvider = values.auth === "oauth" && !values.oauth.provider;
  const metadata = p?.metadata && noProvider ? withoutAuthorizationServers(p.metadata) : p?.metadata;
  const json = metadata ? JSON.stringify(metadata, null, 2) : "";

  return (
    <Card
      title="Live preview"
      description="What MCP clients will see, exactly as the gateway will serve it."
      actions={
        previews.length > 1 ? (
          <Tabs
            value={String(Math.min(tab, previews.length - 1))}
            onChange={(v) => setTab(Number(v))}
            items={previews.map((x, i) => ({ value: String(i), label: new URL(x.base).host }))}
          />
        ) : undefined
      }
    >
      {!p ? (
        <p className="text-sm text-slate-500">
          {name ? "Preparing the preview…" : "Enter a name to preview the URLs."}
        </p>
      ) : (
        <div className="space-y-4" data-testid="live-preview">
          <p className="text-xs text-slate-500">
            Base <code className="text-slate-700">{p.base}</code> ({sourceLabel(p.source)})
          </p>
          <CopyField label="MCP server URL (give this to clients)" value={p.mcpUrl} />
          {values.auth === "oauth" ? (
            <>
              <CopyField label="Protected-resource metadata URL" value={p.metadataUrl} />
              <CopyField label="WWW-Authenticate on 401" value={p.wwwAuthenticate ?? ""} />
              <div>
                <div className="mb-1 flex items-center justify-between">
                  <span className="text-xs font-medium text-slate-500">RFC 9728 document</span>
                  <CopyButton value={json} />
                </div>
                <pre
                  className="max-h-96 overflow-auto rounded-md bg-slate-900 p-3 text-xs leading-relaxed break-all whitespace-pre-wrap text-slate-100"
                  data-testid="prm-json"
                >
                  {json}
                </pre>
                {(noProvider || (values.oauth.mode === "direct" && !providerIssuer)) && (
                  <p className="mt-1 text-xs text-amber-700" data-testid="preview-pick-provider">
                    Pick a provider: authorization_servers then names{" "}
                    {values.oauth.mode === "direct"
                      ? "its issuer"
                      : "the gateway's authorization server for it (/oauth/<provider>)"}
                    .
                  </p>
                )}
              </div>
            </>
          ) : (
            <p className="text-xs text-slate-500">
              {values.auth === "passthrough"
                ? "The upstream's own challenges and well-known documents are forwarded unchanged."
                : "No metadata is published: the server is open."}
            </p>
          )}
        </div>
      )}
    </Card>
  );
}

const noSubscription = () => () => {};

function withoutAuthorizationServers<T extends { authorization_servers?: string[] }>(doc: T): T {
  const { authorization_servers: _none, ...rest } = doc;
  return rest as T;
}
