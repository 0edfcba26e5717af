/**
 * Validates a set of config changes (from a YAML file, or one API call) against
 * the current state as a whole: every cross-reference is checked on the state the
 * changes would produce, so nothing is applied unless everything is valid.
 */
import type { FieldError } from "../errors";
import type { ProviderConfig, ServerConfig } from "./schema";
import { serverPath } from "./schema";
import { formatPath } from "./field-errors";

export type Change =
  | { op: "upsert-provider"; value: ProviderConfig; at: PropertyKey[] }
  | { op: "upsert-server"; value: ServerConfig; at: PropertyKey[] }
  | { op: "delete-provider"; name: string; at: PropertyKey[] }
  | { op: "delete-server"; name: string; at: PropertyKey[] };

/** The parts of the current state cross-references are checked against. */
export type StateIndex = {
  providers: ReadonlySet<string>;
  servers: ReadonlyMap<string, { path: string; provider?: string }>;
};

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
      for (const [other, o] of servers) {
        if (other !== s.name && o.path === path) {
          err([...c.at, s.path ? "path" : "name"], `path ${path} is already used by server "${other}"`);
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
