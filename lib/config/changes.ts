/**
 * Validates a set of config changes (from a YAML file, or one API call) against
 * the current state as a whole: every cross-reference is checked on the state the
 * changes would produce, so nothing is applied unless everything is valid.
 */
import type { FieldError } from "../errors";
import type { ProviderConfig, ServerConfig } from "./schema";
import { ownedHosts, serverPath } from "./schema";
import { formatPath } from "./field-errors";

export type Change =
  | { op: "upsert-provider"; value: ProviderConfig; at: PropertyKey[] }
  | { op: "upsert-server"; value: ServerConfig; at: PropertyKey[] }
  | { op: "delete-provider"; name: string; at: PropertyKey[] }
  | { op: "delete-server"; name: string; at: PropertyKey[] };

/** The parts of the current state cross-references are checked against. */
export type StateIndex = {
  providers: ReadonlySet<string>;
  /** `hosts`: the hosts a host-routed server owns (schema.ts ownedHosts). */
  servers: ReadonlyMap<string, { path: string; provider?: string; hosts?: string[] }>;
};

/** Two servers may share a path only when both are host-routed on different hosts. */
function pathsCollide(
  a: { path: string; hosts?: string[] },
  b: { path: string; hosts?: string[] },
): string | undefined {
  if (a.path !== b.path) return undefined;
  if (!a.hosts || !b.hosts) return "";
  const shared = a.hosts.find((h) => b.hosts!.includes(h));
  return shared === undefined ? undefined : ` on host ${shared}`;
}

export function validateChanges(changes: Change[], state: StateIndex): FieldError[] {
  const errors: FieldError[] = [];
  const err = (at: PropertyKey[], message: string) => errors.push({ path: formatPath(at), message });

  const providers = new Set(state.providers);
  const servers = new Map(state.servers);
  const seenProvider = new Map<string, PropertyKey[]>();
  const seenServer = new Map<string, PropertyKey[]>();

  for (const c of changes) {
    switch (c.op) {
      case "upsert-provider": {
        const prev = seenProvider.get(c.value.name);
        if (prev) err([...c.at, "name"], `duplicate provider name "${c.value.name}" (also at ${formatPath(prev)})`);
        seenProvider.set(c.value.name, c.at);
        providers.add(c.value.name);
        break;
      }
      case "upsert-server": {
        const prev = seenServer.get(c.value.name);
        if (prev) err([...c.at, "name"], `duplicate server name "${c.value.name}" (also at ${formatPath(prev)})`);
        seenServer.set(c.value.name, c.at);
        servers.set(c.value.name, {
          path: serverPath(c.value),
          provider: c.value.auth === "oauth" ? c.value.oauth?.provider : undefined,
          hosts: ownedHosts(c.value),
        });
        break;
      }
      case "delete-provider":
        providers.delete(c.name);
        break;
      case "delete-server":
        servers.delete(c.name);
        break;
    }
  }

  // Cross-references on the resulting state, reported at the change that causes them.
  for (const c of changes) {
    if (c.op === "upsert-server") {
      const s = c.value;
      if (s.auth === "oauth" && s.oauth && !providers.has(s.oauth.provider)) {
        err([...c.at, "oauth", "provider"], `unknown provider "${s.oauth.provider}"`);
      }
      const path = serverPath(s);
      const mine = servers.get(s.name)!;
      for (const [other, o] of servers) {
        const where = other === s.name ? undefined : pathsCollide(mine, o);
        if (where !== undefined) {
          err([...c.at, s.path ? "path" : "name"], `path ${path} is already used by server "${other}"${where}`);
        }
      }
    }
    if (c.op === "delete-provider") {
      const users = [...servers].filter(([, o]) => o.provider === c.name).map(([n]) => n);
      if (users.length)
        err(
          c.at,
          `provider "${c.name}" is still used by server${users.length > 1 ? "s" : ""} ${users.map((u) => `"${u}"`).join(", ")}`,
        );
    }
  }
  return errors;
}
