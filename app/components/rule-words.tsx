import type { Condition, RuleAction } from "~/domain/rules";
import { isShipmentStatus, isStatusReason, REASON_LABELS, STATUS_LABELS } from "~/domain/status";
import { EXCEPTION_TYPE_LABELS, OWNER_LABELS, PRIORITY_LABELS } from "./case-words";
import { countryName } from "./format";
import type { StatusClass } from "~/domain/status-classes";

/** Escalation rules in the merchant's words: what each condition and action is called, and how it reads. */

export const CONDITION_LABELS: Record<Condition["kind"], string> = {
  status_in: "Status is one of",
  status_class_in: "Status is classed as",
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
  trending_late: "Predicted to miss the promise (trending late)",
  looked_up_at_least: "Shopper looked it up at least (times, within hours)",
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
/** The Status mapping page's classes, as rules name them. */
export const STATUS_CLASS_LABELS: Record<StatusClass, string> = {
  informational: "Informational",
  customer_facing: "Customer-facing",
  exception: "Exception",
};

export function newCondition(kind: Condition["kind"]): Condition {
  switch (kind) {
    case "status_in":
      return { kind, statuses: [] };
    case "status_class_in":
      return { kind, classes: ["exception"] };
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
    case "trending_late":
      return { kind };
    case "looked_up_at_least":
      return { kind, count: 3, hours: 24 };
  }
}

export function newAction(kind: RuleAction["kind"]): RuleAction {
  switch (kind) {
    case "open_case":
      return {
        kind,
        type: "carrier_exception",
        owner: "support",
        priority: "normal",
        slaHours: 24,
      };
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

const anyOf = (items: readonly string[]) => (items.length <= 1 ? items[0] ?? "nothing" : `${items.slice(0, -1).join(", ")} or ${items.at(-1)}`);
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
    case "status_class_in":
      return `Status is classed as ${anyOf(c.classes.map((k) => STATUS_CLASS_LABELS[k].toLowerCase()))} (Status mapping)`;
    case "carrier_in":
      return `Carrier is ${anyOf(c.carriers.map((code) => carrierNames[code] ?? code))}`;
    case "shipping_method_matches":
      return `Shipping method contains "${c.pattern}"`;
    case "destination_in":
      return `Ships to ${anyOf(c.countries.map(countryName))}${c.regions?.length ? ` (${c.regions.join(", ")})` : ""}`;
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
    case "trending_late":
      return "Predicted to arrive after the promise (from the shop's delivery history), before the promise has passed";
    case "looked_up_at_least":
      return `The shopper looked it up at least ${plural(c.count, "time")} in ${plural(c.hours, "hour")}`;
  }
}

export function describeAction(a: RuleAction): string {
  switch (a.kind) {
    case "open_case":
      return `Open "${EXCEPTION_TYPE_LABELS[a.type]}" for ${OWNER_LABELS[a.owner]}, ${PRIORITY_LABELS[
        a.priority
      ].toLowerCase()} priority, resolve within ${plural(a.slaHours, "hour")}`;
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

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** "80.00 CAD" → "CA$80.00"; an amount in a currency Intl does not know stays as written. */
function moneyWords(amount: string, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", {
      style: "currency",
      currency,
    }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

/** "2026-11-20" → "Fri, Nov 20": a calendar day, so formatted at noon UTC it stays that day. */
function dayWords(iso: string): string {
  const at = Date.parse(`${iso}T12:00:00Z`);
  return Number.isNaN(at)
    ? iso
    : new Intl.DateTimeFormat("en-US", {
        weekday: "short",
        month: "short",
        day: "numeric",
        timeZone: "UTC",
      }).format(at);
}

/** 52.5 business hours → "52½ business hours"; 49 of them read as "about 2 business days" once they pass a day. */
function hoursWords(hours: number, unit: "business hour" | "hour"): string {
  const whole = Math.round(hours * 2) / 2;
  const text = Number.isInteger(whole) ? String(whole) : `${Math.floor(whole)}½`;
  return `${text} ${unit}${whole === 1 ? "" : "s"}`;
}

/**
 * What a rule's condition saw when it was checked, in words: the rule engine stores a short note with codes in it
 * ("status in_transit (On its way)", "carrier canada_post", "order total 80.00 CAD") and the case page reads it out
 * as the merchant would say it. A note in a shape this does not know is shown as it is, capitalised.
 */
export function describeSaw(saw: string, carrierNames: Readonly<Record<string, string>> = {}): string {
  let m: RegExpExecArray | null;
  const status = /^status (\w+)(?: \(.*\))?$/.exec(saw)?.[1];
  if (isShipmentStatus(status)) return `Status: ${STATUS_LABELS[status]}`;
  const classed = /^status (\w+)(?: \(.*\))?, classed ([\w-]+)$/.exec(saw);
  if (classed && isShipmentStatus(classed[1])) return `Status: ${STATUS_LABELS[classed[1]]}, classed ${classed[2]!.replace("_", "-")}`;
  const reason = /^reason (\w+)(?: \(.*\))?$/.exec(saw)?.[1];
  if (isStatusReason(reason)) return `Reason: ${REASON_LABELS[reason]}`;
  if ((m = /^carrier (\S+)$/.exec(saw))) return `Carrier: ${carrierNames[m[1]!] ?? m[1]}`;
  if ((m = /^destination ([A-Za-z]{2})(?:-(\w+))?$/.exec(saw))) return `Ships to ${m[2] ? `${m[2]}, ` : ""}${countryName(m[1]!)}`;
  if ((m = /^order total ([\d.]+) ([A-Z]{3})$/.exec(saw))) return `Order total: ${moneyWords(m[1]!, m[2]!)}`;
  if ((m = /^(customer|order) tags \[(.*)\]$/.exec(saw))) {
    const who = m[1] === "customer" ? "Customer" : "Order";
    return m[2] ? `${who} tags: ${m[2]}` : `${who} has no tags`;
  }
  if ((m = /^last carrier scan ([\d.]+) business hours ago$/.exec(saw))) return `Last carrier scan ${hoursWords(Number(m[1]), "business hour")} ago`;
  if ((m = /^label created ([\d.]+) business hours ago, no carrier scan since$/.exec(saw)))
    return `Label created ${hoursWords(Number(m[1]), "business hour")} ago, and not scanned since`;
  if ((m = /^last carrier scan ([\d.]+) days ago$/.exec(saw))) {
    const days = Number(m[1]);
    return `Last carrier scan ${days < 1 ? hoursWords(days * 24, "hour") : `${Math.round(days * 10) / 10} days`} ago`;
  }
  if ((m = /^carrier ETA (\d{4}-\d{2}-\d{2}), promise (\d{4}-\d{2}-\d{2})$/.exec(saw)))
    return `The carrier expects ${dayWords(m[1]!)}; promised by ${dayWords(m[2]!)}`;
  if ((m = /^(\d+) delivery attempts$/.exec(saw))) return m[1] === "0" ? "No delivery attempt yet" : plural(Number(m[1]), "delivery attempt");
  if ((m = /^(\d+) business days past the promise$/.exec(saw))) return `${plural(Number(m[1]), "business day")} past the promise date`;
  if (saw === "just received: waiting for late carrier events before judging silence")
    return "Just received: waiting for late carrier scans before judging silence";
  return capitalise(saw);
}
