"use client";
import { useEffect, useState } from "react";

/** A list of short strings edited as one per line (scopes, audiences, URLs). */
export function LinesInput({
  id,
  value,
  onChange,
  placeholder,
  rows = 3,
  invalid,
}: {
  id: string;
  value: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  rows?: number;
  invalid?: boolean;
}) {
  const [text, setText] = useState(value.join("\n"));
  useEffect(() => {
    const current = text
      .split(/\n/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (current.join("\n") !== value.join("\n")) setText(value.join("\n"));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value.join("\n")]);
  return (
    <textarea
      id={id}
      rows={rows}
      className="input font-mono text-xs"
      aria-invalid={invalid || undefined}
      value={text}
      placeholder={placeholder}
      onChange={(e) => {
        setText(e.target.value);
        onChange(
          e.target.value
            .split(/\n/)
            .map((s) => s.trim())
            .filter(Boolean),
        );
      }}
    />
  );
}
