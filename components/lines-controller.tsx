"use client";
/** A form's list-of-strings field, edited one per line (LinesInput bound to react-hook-form). */
import { Controller, type Control, type FieldValues, type Path } from "react-hook-form";
import { LinesInput } from "./ui";

export function LinesController<V extends FieldValues>({
  control,
  name,
  ...input
}: {
  control: Control<V>;
  name: Path<V>;
  id: string;
  placeholder?: string;
  rows?: number;
  invalid?: boolean;
}) {
  return (
    <Controller
      control={control}
      name={name}
      render={({ field }) => <LinesInput {...input} value={field.value} onChange={field.onChange} />}
    />
  );
}
