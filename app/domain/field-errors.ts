/**
 * Field errors as forms show them: one message per field, keyed by the field's dotted path
 * ("promisePolicies.0.match"), the first message winning. Shared by the domain's validators, the services
 * and the admin's routes, so every form reports errors in one shape.
 */
export type FieldErrors = Record<string, string>;

/** The subset of a zod issue these helpers read: a path and a message. */
export interface FieldIssue {
  path: readonly (string | number)[];
  message: string;
}

/** Each field's first message; an issue about the whole form is filed under `whole` ("form" unless named). */
export function fieldErrorsOf(issues: readonly FieldIssue[], whole = "form"): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[issue.path.join(".") || whole] ??= issue.message;
  return errors;
}
