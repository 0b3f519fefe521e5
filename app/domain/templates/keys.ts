import { MOMENT_LABELS, MOMENTS } from "../notifications";

/** Which message a template is: a moment, a rule's message to the customer, or a rule's internal alert. */

export const TEMPLATE_KEYS = [...MOMENTS, "rule_message", "internal_alert"] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];
/** Keys that have customer-facing (email and SMS) defaults. */
export const CUSTOMER_TEMPLATE_KEYS = [...MOMENTS, "rule_message"] as const;
export type CustomerKey = (typeof CUSTOMER_TEMPLATE_KEYS)[number];

export const TEMPLATE_KEY_LABELS: Record<TemplateKey, string> = {
  ...MOMENT_LABELS,
  rule_message: "Rule: message the customer",
  internal_alert: "Rule: internal alert",
};

export function isTemplateKey(value: unknown): value is TemplateKey {
  return typeof value === "string" && (TEMPLATE_KEYS as readonly string[]).includes(value);
}
