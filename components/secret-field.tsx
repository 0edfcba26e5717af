"use client";
/**
 * A write-only secret. The API never returns the value, only whether one is
 * set; this field shows a "set" badge and lets the admin replace or clear it.
 * Its value: undefined = keep what is stored, string = replace, null = clear.
 */
import { Badge, Button } from "./ui";

export type SecretValue = string | null | undefined;

export function SecretField({
  id,
  isSet,
  value,
  onChange,
  placeholder,
  invalid,
}: {
  id: string;
  isSet: boolean;
  value: SecretValue;
  onChange: (v: SecretValue) => void;
  placeholder?: string;
  invalid?: boolean;
}) {
  if (isSet && value === undefined) {
    return (
      <div className="flex items-center gap-3">
        <Badge tone="green">set</Badge>
        <span className="text-xs text-slate-500">Stored encrypted; never shown.</span>
        <div className="ml-auto flex gap-2">
          <Button size="sm" onClick={() => onChange("")}>
            Replace
          </Button>
          <Button size="sm" variant="danger" onClick={() => onChange(null)}>
            Clear
          </Button>
        </div>
      </div>
    );
  }
  if (isSet && value === null) {
    return (
      <div className="flex items-center gap-3">
        <Badge tone="amber">will be cleared</Badge>
        <Button size="sm" variant="ghost" className="ml-auto" onClick={() => onChange(undefined)}>
          Undo
        </Button>
      </div>
    );
  }
  return (
    <div className="flex items-center gap-2">
      <input
        id={id}
        type="password"
        autoComplete="new-password"
        className="input"
        aria-invalid={invalid || undefined}
        placeholder={placeholder ?? (isSet ? "New value" : "Not set")}
        value={value ?? ""}
        onChange={(e) => onChange(e.target.value)}
      />
      {isSet && (
        <Button size="sm" variant="ghost" onClick={() => onChange(undefined)}>
          Keep current
        </Button>
      )}
    </div>
  );
}

/** The secret as the API expects it: omitted (keep), a value (replace) or null (clear). */
export function secretPayload(v: SecretValue): { value?: string | null } {
  if (v === null) return { value: null };
  if (typeof v === "string" && v.length > 0) return { value: v };
  return {};
}
