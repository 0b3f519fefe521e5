import type { FieldErrors } from "~/domain/field-errors";

export { fieldErrorsOf, type FieldErrors, type FieldIssue } from "~/domain/field-errors";

/** The error for a field, or for anything inside it ("conditions.0.countries.1" shows under "conditions.0.countries"). */
export function errorAt(
  errors: FieldErrors | undefined,
  key: string
): string | undefined {
  if (!errors) return undefined;
  if (errors[key]) return errors[key];
  const nested = Object.keys(errors).find((k) => k.startsWith(`${key}.`));
  return nested ? errors[nested] : undefined;
}
