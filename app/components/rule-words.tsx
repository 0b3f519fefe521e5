import type { Condition, RuleAction } from "~/domain/rules";
import { REASON_LABELS, STATUS_LABELS } from "~/domain/status";
import { EXCEPTION_TYPE_LABELS, OWNER_LABELS, PRIORITY_LABELS } from "./case-words";

/** Escalation rules in the merchant's words: what each condition and action is called, and how it reads. */

export const CONDITION_LABELS: Record<Condition["kind"], string> = {
  status_in: "Status is one of",
  reason_in: "Reason is one of",
  carrier_in: "Carrier is one of",
  shipping_method_matches: "Shipping method contains",
  destination_in: "Destination is in",
  order_value_at_least: "Order value is at least",
  order_value_at_most: "Order value is at most",
  customer_tag_has: "Customer has the tag",
  order_tag_has: "Order has the tag",
  business_hours_since_last_scan_at_least: "No carrier scan for at least (business hours)",
  no_scan_since_label_at_least: "Label created, no carrier scan for at least (business hours)",
  days_since_last_scan_at_least: "No carrier scan for at least (days)",
  business_days_past_promise_at_least: "Past the promise date by at least (business days)",
  eta_later_than_promise: "Carrier's estimate is later than the promise",
  delivery_attempts_at_least: "Delivery attempts at least",
};

export const ACTION_LABELS: Record<RuleAction["kind"], string> = {
  open_case: "Open an exception case",
  raise_priority: "Raise the priority of its cases",
  message_customer: "Message the customer",
  alert_internal: "Alert an internal channel",
  tag_order: "Tag the order",
  hold_messages: "Hold customer messages while a person reviews",
};

/** What a newly added condition or action starts as: valid where a sensible default exists. */
export function newCondition(kind: Condition["kind"]): Condition {
  switch (kind) {
    case "status_in":
      return { kind, statuses: [] };
    case "reason_in":
      return { kind, reasons: [] };
    case "carrier_in":
      return { kind, carriers: [] };
    case "shipping_method_matches":
      return { kind, pattern: "" };
    case "destination_in":
      return { kind, countries: [], regions: [] };
    case "order_value_at_least":
    case "order_value_at_most":
      return { kind, amount: 150 };
    case "customer_tag_has":
    case "order_tag_has":
      return { kind, tag: "" };
    case "business_hours_since_last_scan_at_least":
      return { kind, hours: 48 };
    case "no_scan_since_label_at_least":
      return { kind, hours: 24 };
    case "days_since_last_scan_at_least":
      return { kind, days: 10 };
    case "business_days_past_promise_at_least":
      return { kind, days: 1 };
    case "eta_later_than_promise":
      return { kind };
    case "delivery_attempts_at_least":
      return { kind, count: 2 };
  }
}

export function newAction(kind: RuleAction["kind"]): RuleAction {
  switch (kind) {
    case "open_case":
      return { kind, type: "carrier_exception", owner: "support", priority: "normal", slaHours: 24 };
    case "raise_priority":
      return { kind, priority: "high" };
    case "message_customer":
      return { kind, template: "" };
    case "alert_internal":
      return { kind, channel: "" };
    case "tag_order":
      return { kind, tag: "" };
    case "hold_messages":
      return { kind };
  }
}

const anyOf = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? "nothing") : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * One condition as a sentence: "Status is Delivery attempted or Problem with delivery". Carrier names come from
 * the caller (the carrier table is server-side: it brings the tracking-number formats with it).
 */
export function describeCondition(c: Condition, carrierNames: Readonly<Record<string, string>> = {}): string {
  switch (c.kind) {
    case "status_in":
      return `Status is ${anyOf(c.statuses.map((s) => STATUS_LABELS[s]))}`;
    case "reason_in":
      return `Reason is ${anyOf(c.reasons.map((r) => REASON_LABELS[r]))}`;
    case "carrier_in":
      return `Carrier is ${anyOf(c.carriers.map((code) => carrierNames[code] ?? code))}`;
    case "shipping_method_matches":
      return `Shipping method contains "${c.pattern}"`;
    case "destination_in":
      return `Ships to ${anyOf(c.countries)}${c.regions?.length ? ` (${c.regions.join(", ")})` : ""}`;
    case "order_value_at_least":
      return `Order value is at least ${c.amount}`;
    case "order_value_at_most":
      return `Order value is at most ${c.amount}`;
    case "customer_tag_has":
      return `Customer is tagged "${c.tag}"`;
    case "order_tag_has":
      return `Order is tagged "${c.tag}"`;
    case "business_hours_since_last_scan_at_least":
      return `No carrier scan for ${plural(c.hours, "business hour")}`;
    case "no_scan_since_label_at_least":
      return `Label created and not scanned for ${plural(c.hours, "business hour")}`;
    case "days_since_last_scan_at_least":
      return `No carrier scan for ${plural(c.days, "day")}`;
    case "business_days_past_promise_at_least":
      return c.days === 0 ? "Past the promise date" : `${plural(c.days, "business day")} past the promise date`;
    case "eta_later_than_promise":
      return "The carrier's estimate is later than the promise";
    case "delivery_attempts_at_least":
      return `At least ${plural(c.count, "delivery attempt")}`;
  }
}

export function describeAction(a: RuleAction): string {
  switch (a.kind) {
    case "open_case":
      return `Open "${EXCEPTION_TYPE_LABELS[a.type]}" for ${OWNER_LABELS[a.owner]}, ${PRIORITY_LABELS[a.priority].toLowerCase()} priority, resolve within ${plural(a.slaHours, "hour")}`;
    case "raise_priority":
      return `Raise priority to ${PRIORITY_LABELS[a.priority].toLowerCase()}`;
    case "message_customer":
      return `Message the customer with "${a.template}"`;
    case "alert_internal":
      return `Alert ${a.channel}`;
    case "tag_order":
      return `Tag the order "${a.tag}"`;
    case "hold_messages":
      return "Hold customer messages";
  }
}
