import { z } from "zod";
import {
  addBusinessDays,
  addBusinessHours,
  businessDaysBetween,
  businessHoursBetween,
  type BusinessCalendar,
} from "./business-time";
import { fieldErrorsOf } from "./field-errors";
import { hasTag } from "./order";
import {
  CARRIER_SCAN_STATUSES,
  REASON_LABELS,
  SHIPMENT_STATUSES,
  STATUS_LABELS,
  STATUS_REASONS,
  TERMINAL_STATUSES,
  type ShipmentStatus,
  type StatusReason,
} from "./status";
import { STATUS_CLASSES, type StatusClass } from "./status-classes";

/** The Support API contract's exception types and owners (ARCHITECTURE.md). */
export const EXCEPTION_TYPES = [
  "not_picked_up",
  "stalled",
  "lost",
  "late",
  "failed_attempt",
  "address_issue",
  "damaged",
  "customs_hold",
  "returned_to_sender",
  "carrier_exception",
  "unknown_status",
] as const;
/** Cases about an order before anything shipped (fulfillment-delay.ts): the workflow opens them, never a rule. */
export const ORDER_EXCEPTION_TYPES = ["fulfillment_delayed"] as const;
/** Every case type the queue and the Support API know. */
export const CASE_TYPES = [...EXCEPTION_TYPES, ...ORDER_EXCEPTION_TYPES] as const;
export type ExceptionType = (typeof CASE_TYPES)[number];
export const OWNERS = ["support", "fulfillment", "finance", "operations"] as const;
export type Owner = (typeof OWNERS)[number];
export const PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type Priority = (typeof PRIORITIES)[number];
/** How a person closes a case ("waited" is also what a case that resolves itself records). */
export const RESOLUTIONS = ["reshipped", "refunded", "carrier_claim", "contacted_customer", "waited", "false_alarm"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

/** The lookups a shipment remembers (Shipment.recentLookups): a lookup condition cannot ask for more. */
export const MAX_RECENT_LOOKUPS = 10;

const nonEmpty = <T extends z.ZodTypeAny>(item: T, what: string) => z.array(item).min(1, `choose at least one ${what}`);
const hours = z.number({ invalid_type_error: "enter a number of hours" }).positive("must be more than 0").max(24 * 90, "at most 90 days");

/** Conditions all have to hold (AND). Each names what it reads, so the explanation can say what it saw. */
export const ConditionSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("status_in"), statuses: nonEmpty(z.enum(SHIPMENT_STATUSES), "status") }),
  z.object({ kind: z.literal("reason_in"), reasons: nonEmpty(z.enum(STATUS_REASONS), "reason") }),
  /** the class the shop gives the current status on the Status mapping page (informational, customer-facing, exception) */
  z.object({ kind: z.literal("status_class_in"), classes: nonEmpty(z.enum(STATUS_CLASSES), "class") }),
  z.object({ kind: z.literal("carrier_in"), carriers: nonEmpty(z.string().min(1), "carrier") }),
  z.object({ kind: z.literal("shipping_method_matches"), pattern: z.string().trim().min(1, "enter part of the shipping method's name or code").max(100) }),
  z.object({
    kind: z.literal("destination_in"),
    countries: nonEmpty(z.string().regex(/^[A-Z]{2}$/, "use two-letter country codes, like US"), "country"),
    regions: z.array(z.string().regex(/^[A-Z0-9]{1,3}$/, "use region codes, like NY")).optional(),
  }),
  z.object({ kind: z.literal("order_value_at_least"), amount: z.number({ invalid_type_error: "enter an amount" }).nonnegative("must be 0 or more") }),
  z.object({ kind: z.literal("order_value_at_most"), amount: z.number({ invalid_type_error: "enter an amount" }).nonnegative("must be 0 or more") }),
  z.object({ kind: z.literal("customer_tag_has"), tag: z.string().trim().min(1, "enter a tag").max(255) }),
  z.object({ kind: z.literal("order_tag_has"), tag: z.string().trim().min(1, "enter a tag").max(255) }),
  z.object({ kind: z.literal("business_hours_since_last_scan_at_least"), hours }),
  z.object({ kind: z.literal("no_scan_since_label_at_least"), hours }),
  z.object({ kind: z.literal("days_since_last_scan_at_least"), days: z.number({ invalid_type_error: "enter a number of days" }).positive("must be more than 0").max(90) }),
  z.object({ kind: z.literal("business_days_past_promise_at_least"), days: z.number({ invalid_type_error: "enter a number of days" }).int().min(0).max(60) }),
  z.object({ kind: z.literal("eta_later_than_promise") }),
  z.object({ kind: z.literal("delivery_attempts_at_least"), count: z.number({ invalid_type_error: "enter a number" }).int().min(1).max(10) }),
  /** the shop's transit model expects the promise to be missed, while it has not passed yet (a prediction) */
  z.object({ kind: z.literal("trending_late") }),
  /** a worried shopper: storefront lookups within the last `hours` (a shipment keeps its last MAX_RECENT_LOOKUPS) */
  z.object({
    kind: z.literal("looked_up_at_least"),
    count: z
      .number({ invalid_type_error: "enter a number of lookups" })
      .int("enter a whole number of lookups")
      .min(1, "at least 1 lookup")
      .max(MAX_RECENT_LOOKUPS, `at most ${MAX_RECENT_LOOKUPS} lookups (the most a shipment remembers)`),
    hours: z.number({ invalid_type_error: "enter a number of hours" }).positive("must be more than 0").max(24 * 30, "at most 30 days"),
  }),
]);
export type Condition = z.infer<typeof ConditionSchema>;

export const ActionSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("open_case"),
    type: z.enum(EXCEPTION_TYPES),
    owner: z.enum(OWNERS),
    priority: z.enum(PRIORITIES),
    slaHours: z.number({ invalid_type_error: "enter the hours to resolve in" }).positive("must be more than 0").max(24 * 30),
  }),
  /** raise the priority of every case this evaluation keeps open for the shipment */
  z.object({ kind: z.literal("raise_priority"), priority: z.enum(PRIORITIES) }),
  z.object({ kind: z.literal("message_customer"), template: z.string().trim().min(1, "choose a template").max(100) }),
  z.object({ kind: z.literal("alert_internal"), channel: z.string().trim().min(1, "choose a channel").max(100) }),
  z.object({ kind: z.literal("tag_order"), tag: z.string().trim().min(1, "enter a tag").max(40) }),
  z.object({ kind: z.literal("hold_messages") }),
]);
export type RuleAction = z.infer<typeof ActionSchema>;

export const RuleSchema = z.object({
  name: z.string().trim().min(1, "give the rule a name").max(100, "at most 100 characters"),
  enabled: z.boolean().default(true),
  stopAfter: z.boolean().default(false),
  conditions: z.array(ConditionSchema).min(1, "add at least one condition").max(20),
  actions: z.array(ActionSchema).min(1, "add at least one action").max(10),
});
export type RuleInput = z.input<typeof RuleSchema>;
export type Rule = z.infer<typeof RuleSchema> & { id: number; position: number; builtIn: string | null };

/** Field errors keyed by path ("conditions.0.hours"), for the rule editor. */
export function validateRule(input: unknown): { ok: true; rule: z.infer<typeof RuleSchema> } | { ok: false; fieldErrors: Record<string, string> } {
  const parsed = RuleSchema.safeParse(input);
  if (parsed.success) return { ok: true, rule: parsed.data };
  return { ok: false, fieldErrors: fieldErrorsOf(parsed.error.issues, "rule") };
}

/** Everything a rule can look at, gathered by the caller. Times are epoch ms. */
export interface ShipmentFacts {
  status: ShipmentStatus;
  /** the current status's class for this shop (its Status mapping choice, or the default) */
  statusClass: StatusClass;
  reason: StatusReason | null;
  carrierCode: string;
  service: string | null;
  destinationCountry: string | null;
  destinationProvince: string | null;
  shippedAt: number;
  firstCarrierScanAt: number | null;
  lastCarrierScanAt: number | null;
  lastEventAt: number | null;
  deliveryAttempts: number;
  promisedBy: number | null;
  estimatedDeliveryAt: number | null;
  deliveredAt: number | null;
  cancelled: boolean;
  /** the shop's transit model on the promise (transit-model.ts `trendingLate`); null or absent: nothing predicted */
  trending?: { late: boolean; why: string } | null;
  /** the shipment's latest storefront lookups, epoch ms (absent: none known) */
  recentLookups?: readonly number[];
  /**
   * Silence is not judged before this instant: Shopify delivers a fulfillment's events in no order and
   * sometimes after it, and a store's history may be replayed at install. (When the shipment was first
   * seen plus a grace period.)
   */
  silenceJudgedFrom: number;
  order: {
    totalPrice: number;
    currency: string;
    customerTags: readonly string[];
    orderTags: readonly string[];
    shippingLines: readonly { title: string | null; code: string | null }[];
  } | null;
}

export interface ConditionCheck {
  condition: Condition;
  passed: boolean;
  /** what the condition saw, in words: "last carrier scan 52.5 business hours ago" */
  saw: string;
}

export interface RuleDecision {
  rule: { id: number; name: string };
  fired: boolean;
  checks: ConditionCheck[];
  actions: RuleAction[];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const money = (n: number, currency: string) => `${n.toFixed(2)} ${currency}`;

const SILENCE_KINDS = new Set<Condition["kind"]>([
  "business_hours_since_last_scan_at_least",
  "no_scan_since_label_at_least",
  "days_since_last_scan_at_least",
  "business_days_past_promise_at_least",
]);

function check(condition: Condition, facts: ShipmentFacts, calendar: BusinessCalendar, now: number): ConditionCheck {
  const result = (passed: boolean, saw: string): ConditionCheck => ({ condition, passed, saw });
  if (SILENCE_KINDS.has(condition.kind) && now < facts.silenceJudgedFrom) {
    return result(false, "just received: waiting for late carrier events before judging silence");
  }
  switch (condition.kind) {
    case "status_in":
      return result(condition.statuses.includes(facts.status), `status ${facts.status} (${STATUS_LABELS[facts.status]})`);
    case "status_class_in":
      return result(condition.classes.includes(facts.statusClass), `status ${facts.status} (${STATUS_LABELS[facts.status]}), classed ${facts.statusClass.replace("_", "-")}`);
    case "reason_in":
      return result(!!facts.reason && condition.reasons.includes(facts.reason), facts.reason ? `reason ${facts.reason} (${REASON_LABELS[facts.reason]})` : "no reason given");
    case "carrier_in":
      return result(condition.carriers.includes(facts.carrierCode), `carrier ${facts.carrierCode}`);
    case "shipping_method_matches": {
      const names = [facts.service, ...(facts.order?.shippingLines ?? []).flatMap((l) => [l.title, l.code])].filter((n): n is string => !!n);
      const pattern = condition.pattern.toLowerCase();
      const hit = names.find((n) => n.toLowerCase().includes(pattern));
      return result(!!hit, names.length ? `shipping method ${names.map((n) => `"${n}"`).join(", ")}` : "no shipping method known");
    }
    case "destination_in": {
      const country = facts.destinationCountry?.toUpperCase() ?? null;
      const region = facts.destinationProvince?.toUpperCase() ?? null;
      const inCountry = !!country && condition.countries.includes(country);
      const inRegion = !condition.regions?.length || (!!region && condition.regions.includes(region));
      return result(inCountry && inRegion, country ? `destination ${country}${region ? `-${region}` : ""}` : "no destination known");
    }
    case "order_value_at_least":
      return facts.order
        ? result(facts.order.totalPrice >= condition.amount, `order total ${money(facts.order.totalPrice, facts.order.currency)}`)
        : result(false, "order not received yet");
    case "order_value_at_most":
      return facts.order
        ? result(facts.order.totalPrice <= condition.amount, `order total ${money(facts.order.totalPrice, facts.order.currency)}`)
        : result(false, "order not received yet");
    case "customer_tag_has":
      return facts.order
        ? result(hasTag(facts.order.customerTags, condition.tag), `customer tags [${facts.order.customerTags.join(", ")}]`)
        : result(false, "order not received yet");
    case "order_tag_has":
      return facts.order
        ? result(hasTag(facts.order.orderTags, condition.tag), `order tags [${facts.order.orderTags.join(", ")}]`)
        : result(false, "order not received yet");
    case "business_hours_since_last_scan_at_least": {
      if (facts.lastCarrierScanAt === null) return result(false, "no carrier scan yet");
      const h = businessHoursBetween(facts.lastCarrierScanAt, now, calendar);
      return result(h >= condition.hours, `last carrier scan ${round1(h)} business hours ago`);
    }
    case "no_scan_since_label_at_least": {
      if (facts.firstCarrierScanAt !== null) return result(false, "the carrier has scanned it");
      const h = businessHoursBetween(facts.shippedAt, now, calendar);
      return result(h >= condition.hours, `label created ${round1(h)} business hours ago, no carrier scan since`);
    }
    case "days_since_last_scan_at_least": {
      if (facts.lastCarrierScanAt === null) return result(false, "no carrier scan yet");
      const d = (now - facts.lastCarrierScanAt) / 86_400_000;
      return result(d >= condition.days, `last carrier scan ${round1(d)} days ago`);
    }
    case "business_days_past_promise_at_least": {
      if (facts.promisedBy === null) return result(false, "no promise date");
      if (facts.deliveredAt !== null) return result(false, "delivered");
      const late = now > facts.promisedBy ? businessDaysBetween(facts.promisedBy, now, calendar) : 0;
      return result(now > facts.promisedBy && late >= condition.days, now > facts.promisedBy ? `${late} business days past the promise` : "promise not yet due");
    }
    case "eta_later_than_promise": {
      if (facts.promisedBy === null || facts.estimatedDeliveryAt === null) return result(false, facts.promisedBy === null ? "no promise date" : "no carrier ETA");
      const passed = facts.estimatedDeliveryAt > facts.promisedBy && facts.deliveredAt === null;
      return result(passed, `carrier ETA ${new Date(facts.estimatedDeliveryAt).toISOString().slice(0, 10)}, promise ${new Date(facts.promisedBy).toISOString().slice(0, 10)}`);
    }
    case "delivery_attempts_at_least":
      return result(facts.deliveryAttempts >= condition.count, `${facts.deliveryAttempts} delivery attempts`);
    case "trending_late": {
      if (facts.deliveredAt !== null) return result(false, "delivered");
      if (facts.promisedBy === null) return result(false, "no promise date");
      if (now > facts.promisedBy) return result(false, "the promise has passed");
      if (!facts.trending) return result(false, "no prediction for this parcel");
      // the model's own words: what parcels like this take and when this one is likely to arrive
      return result(facts.trending.late, facts.trending.why);
    }
    case "looked_up_at_least": {
      const since = now - condition.hours * 3_600_000;
      const seen = (facts.recentLookups ?? []).filter((at) => at > since && at <= now).length;
      return result(seen >= condition.count, `looked up ${seen} time${seen === 1 ? "" : "s"} in the last ${round1(condition.hours)} hours`);
    }
  }
}

/**
 * Evaluates the rules in order. Every rule's conditions are checked and explained; a rule fires when all
 * hold; a fired rule with stopAfter ends the evaluation. A cancelled order's parcels fire nothing.
 */
export function evaluate(rules: readonly Rule[], facts: ShipmentFacts, calendar: BusinessCalendar, now: number): RuleDecision[] {
  const decisions: RuleDecision[] = [];
  if (facts.cancelled) return decisions;
  for (const rule of [...rules].sort((a, b) => a.position - b.position)) {
    if (!rule.enabled) continue;
    const checks = rule.conditions.map((c) => check(c, facts, calendar, now));
    const fired = checks.every((c) => c.passed);
    decisions.push({ rule: { id: rule.id, name: rule.name }, fired, checks, actions: rule.actions });
    if (fired && rule.stopAfter) break;
  }
  return decisions;
}

/** The sentence a case carries: which rule, and what it saw. */
export function explain(decision: RuleDecision): string {
  return `${decision.rule.name}: ${decision.checks.map((c) => c.saw).join("; ")}`;
}

const PRIORITY_RANK: Record<Priority, number> = { low: 0, normal: 1, high: 2, urgent: 3 };
export function higherPriority(a: Priority, b: Priority): Priority {
  return PRIORITY_RANK[a] >= PRIORITY_RANK[b] ? a : b;
}

/**
 * When the sweep should look at the shipment again: the earliest future moment a time condition of an
 * enabled rule could start to hold. Null when nothing time-based can change (delivered, returned, cancelled).
 */
export function nextCheckAt(rules: readonly Rule[], facts: ShipmentFacts, calendar: BusinessCalendar, now: number): number | null {
  if (facts.cancelled || TERMINAL_STATUSES.has(facts.status)) return null;
  const moments: number[] = [];
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const c of rule.conditions) {
      if (c.kind === "business_hours_since_last_scan_at_least" && facts.lastCarrierScanAt !== null) {
        moments.push(addBusinessHours(facts.lastCarrierScanAt, c.hours, calendar));
      } else if (c.kind === "no_scan_since_label_at_least" && facts.firstCarrierScanAt === null) {
        moments.push(addBusinessHours(facts.shippedAt, c.hours, calendar));
      } else if (c.kind === "days_since_last_scan_at_least" && facts.lastCarrierScanAt !== null) {
        moments.push(facts.lastCarrierScanAt + c.days * 86_400_000);
      } else if (c.kind === "business_days_past_promise_at_least" && facts.promisedBy !== null && facts.deliveredAt === null) {
        moments.push(c.days === 0 ? facts.promisedBy + 1 : addBusinessDays(facts.promisedBy, c.days, calendar) + 1);
      }
    }
  }
  if (facts.silenceJudgedFrom > now) moments.push(facts.silenceJudgedFrom);
  const future = moments.filter((m) => m > now);
  // a safety net: a shipment in flight is looked at at least once a day, so a new rule reaches it
  const daily = now + 86_400_000;
  return Math.min(daily, ...future);
}

/**
 * The shipment's state as a case remembers it. A case resolves itself only once this has changed (a new
 * carrier event, whenever it happened) and no rule holds it open: a merchant editing rules, or time
 * passing, does not close cases by itself.
 */
export function stateStamp(facts: Pick<ShipmentFacts, "status" | "lastEventAt">): string {
  return `${facts.status}|${facts.lastEventAt ?? ""}`;
}

/** Whether the parcel has moved on since the case was opened, and is not in trouble by any carrier word. */
export function recoveredSince(facts: ShipmentFacts, openedOnState: string): boolean {
  if (stateStamp(facts) === openedOnState) return false;
  return facts.status === "delivered" || CARRIER_SCAN_STATUSES.has(facts.status);
}

type DefaultRule = Omit<z.infer<typeof RuleSchema>, "enabled" | "stopAfter"> & { builtIn: string };
const openCase = (type: (typeof EXCEPTION_TYPES)[number], owner: Owner, priority: Priority, slaHours: number): RuleAction => ({ kind: "open_case", type, owner, priority, slaHours });

/** What a new install runs on day one. Merchants can edit, reorder or turn off each of them. */
export const DEFAULT_RULES: readonly DefaultRule[] = [
  {
    builtIn: "not_picked_up",
    name: "Not picked up: label created, no carrier scan in 24 business hours",
    conditions: [{ kind: "status_in", statuses: ["label_created"] }, { kind: "no_scan_since_label_at_least", hours: 24 }],
    actions: [openCase("not_picked_up", "fulfillment", "normal", 24)],
  },
  {
    builtIn: "stalled",
    name: "Stalled: no carrier scan in 48 business hours",
    conditions: [
      // waiting at a pickup point is not stalling: the shopper has been told where it is
      { kind: "status_in", statuses: ["picked_up", "in_transit", "delayed", "out_for_delivery"] },
      { kind: "business_hours_since_last_scan_at_least", hours: 48 },
    ],
    actions: [openCase("stalled", "support", "normal", 24)],
  },
  {
    builtIn: "lost_silence",
    name: "Likely lost: no carrier scan in 10 days",
    conditions: [
      { kind: "status_in", statuses: ["picked_up", "in_transit", "delayed", "out_for_delivery", "exception", "attempted_delivery"] },
      { kind: "days_since_last_scan_at_least", days: 10 },
    ],
    actions: [openCase("lost", "support", "high", 24)],
  },
  {
    builtIn: "lost_carrier",
    name: "Lost: the carrier says so",
    conditions: [{ kind: "reason_in", reasons: ["lost"] }],
    actions: [openCase("lost", "support", "high", 24)],
  },
  {
    builtIn: "failed_attempt",
    name: "Failed delivery attempt",
    conditions: [{ kind: "status_in", statuses: ["attempted_delivery"] }],
    actions: [openCase("failed_attempt", "support", "normal", 24)],
  },
  {
    builtIn: "address_issue",
    name: "Address problem",
    conditions: [{ kind: "reason_in", reasons: ["address_issue"] }],
    actions: [openCase("address_issue", "support", "urgent", 8)],
  },
  {
    builtIn: "damaged",
    name: "Damaged in transit",
    conditions: [{ kind: "reason_in", reasons: ["damaged"] }],
    actions: [openCase("damaged", "fulfillment", "high", 24)],
  },
  {
    builtIn: "returned_to_sender",
    name: "Returning or returned to sender",
    conditions: [{ kind: "status_in", statuses: ["returning_to_sender", "returned_to_sender"] }],
    actions: [openCase("returned_to_sender", "fulfillment", "normal", 48)],
  },
  {
    builtIn: "customs_hold",
    name: "Held in customs",
    conditions: [{ kind: "reason_in", reasons: ["customs"] }],
    actions: [openCase("customs_hold", "support", "normal", 48)],
  },
  {
    builtIn: "carrier_exception",
    name: "Carrier exception",
    // every status the shop classes as an exception; a more specific case for the parcel replaces this one
    conditions: [{ kind: "status_class_in", classes: ["exception"] }],
    actions: [openCase("carrier_exception", "support", "normal", 24)],
  },
  {
    builtIn: "late",
    name: "Late: 1 business day past the promise",
    conditions: [{ kind: "business_days_past_promise_at_least", days: 1 }],
    actions: [openCase("late", "support", "normal", 24)],
  },
  {
    builtIn: "high_value",
    name: "High-value order in trouble: priority high",
    conditions: [
      { kind: "status_in", statuses: ["exception", "attempted_delivery", "delayed", "returning_to_sender", "returned_to_sender"] },
      { kind: "order_value_at_least", amount: 150 },
    ],
    actions: [{ kind: "raise_priority", priority: "high" }],
  },
  {
    builtIn: "unknown_status",
    name: "Unknown carrier status",
    conditions: [{ kind: "status_in", statuses: ["unknown"] }],
    actions: [openCase("unknown_status", "operations", "low", 72)],
  },
  // Added with the transit model: existing shops get these two from migration 0007_scorecard (its data part);
  // keep the JSON there the same as here.
  {
    builtIn: "trending_late",
    name: "Trending late: predicted to miss the promise",
    // a late case opened before the promise passes; the "late" rule holds the same case once it has
    conditions: [{ kind: "trending_late" }],
    actions: [openCase("late", "support", "normal", 24)],
  },
  {
    builtIn: "worried_shopper",
    name: "Worried shopper: looked up 3+ times in 24 hours, parcel in trouble: priority high",
    // the statuses the "stalled" rule watches: the cases raised for them (stalled, late, lost) are support's
    conditions: [
      { kind: "looked_up_at_least", count: 3, hours: 24 },
      { kind: "status_in", statuses: ["picked_up", "in_transit", "delayed", "out_for_delivery"] },
    ],
    actions: [{ kind: "raise_priority", priority: "high" }],
  },
];

export interface PlannedCase {
  type: ExceptionType;
  owner: Owner;
  priority: Priority;
  slaHours: number;
  rule: { id: number; name: string };
  reason: string;
  checks: ConditionCheck[];
}

export interface PlannedIntent {
  kind: "message_customer" | "alert_internal" | "tag_order";
  ruleId: number;
  payload: Record<string, string>;
}

export interface EvaluationPlan {
  cases: PlannedCase[];
  intents: PlannedIntent[];
  holdMessages: boolean;
  /** the highest priority a raise_priority action asked for, applied to every case kept open */
  raisedTo: Priority | null;
}

/**
 * Turns fired decisions into what should be true for the shipment: one case per type (the first rule in
 * order wins), a generic carrier exception only when nothing more specific explains it, priorities raised,
 * and the intents rules asked for.
 */
export function planActions(decisions: readonly RuleDecision[]): EvaluationPlan {
  const cases = new Map<ExceptionType, PlannedCase>();
  const intents: PlannedIntent[] = [];
  let holdMessages = false;
  let raisedTo: Priority | null = null;
  for (const d of decisions) {
    if (!d.fired) continue;
    for (const a of d.actions) {
      switch (a.kind) {
        case "open_case":
          if (!cases.has(a.type)) {
            cases.set(a.type, { type: a.type, owner: a.owner, priority: a.priority, slaHours: a.slaHours, rule: d.rule, reason: explain(d), checks: d.checks });
          }
          break;
        case "raise_priority":
          raisedTo = raisedTo ? higherPriority(raisedTo, a.priority) : a.priority;
          break;
        case "hold_messages":
          holdMessages = true;
          break;
        case "message_customer":
          intents.push({ kind: a.kind, ruleId: d.rule.id, payload: { template: a.template } });
          break;
        case "alert_internal":
          intents.push({ kind: a.kind, ruleId: d.rule.id, payload: { channel: a.channel } });
          break;
        case "tag_order":
          intents.push({ kind: a.kind, ruleId: d.rule.id, payload: { tag: a.tag } });
          break;
      }
    }
  }
  if (cases.size > 1) cases.delete("carrier_exception");
  const planned = [...cases.values()].map((c) => (raisedTo ? { ...c, priority: higherPriority(c.priority, raisedTo) } : c));
  return { cases: planned, intents, holdMessages, raisedTo };
}

/** A case as reconciliation sees it. */
export interface OpenCaseView {
  id: number;
  type: ExceptionType;
  priority: Priority;
  holdMessages: boolean;
  openedOnState: string;
}

/** What one evaluation changes for a shipment: applied together, in one transaction. */
export interface CaseChanges {
  open: (PlannedCase & { dueAt: number; holdMessages: boolean; openedOnState: string })[];
  raise: { caseId: number; priority: Priority; holdMessages: boolean; why: string }[];
  resolve: { caseId: number; why: string }[];
  intents: PlannedIntent[];
  nextCheckAt: number | null;
  promisedBy: number | null;
}

/**
 * Reconciles a plan with the shipment's open cases: opens what is missing (the database still guards
 * against a concurrent twin), raises what a rule now ranks higher, and resolves what no rule holds open
 * once the shipment's state has changed since the case opened (if the shop lets cases resolve themselves).
 */
export function reconcileCases(input: {
  plan: EvaluationPlan;
  open: readonly OpenCaseView[];
  facts: ShipmentFacts;
  rules: readonly Rule[];
  calendar: BusinessCalendar;
  autoResolve: boolean;
  now: number;
}): CaseChanges {
  const { plan, open, facts, now } = input;
  const stamp = stateStamp(facts);
  const openByType = new Map(open.map((c) => [c.type, c]));
  const changes: CaseChanges = {
    open: [],
    raise: [],
    resolve: [],
    intents: plan.intents,
    nextCheckAt: nextCheckAt(input.rules, facts, input.calendar, now),
    promisedBy: facts.promisedBy,
  };
  const kept = new Set<ExceptionType>();
  for (const planned of plan.cases) {
    kept.add(planned.type);
    const existing = openByType.get(planned.type);
    if (!existing) {
      changes.open.push({ ...planned, dueAt: now + planned.slaHours * 3_600_000, holdMessages: plan.holdMessages, openedOnState: stamp });
      continue;
    }
    const priority = higherPriority(existing.priority, planned.priority);
    const hold = existing.holdMessages || plan.holdMessages;
    if (priority !== existing.priority || hold !== existing.holdMessages) {
      changes.raise.push({ caseId: existing.id, priority, holdMessages: hold, why: `priority ${priority}: ${planned.reason}` });
    }
  }
  if (input.autoResolve) {
    for (const c of open) {
      if (kept.has(c.type) || !recoveredSince(facts, c.openedOnState)) continue;
      const how = facts.status === "delivered" ? "the parcel was delivered" : "the carrier scanned the parcel again";
      changes.resolve.push({ caseId: c.id, why: `Resolved by itself: ${how}.` });
    }
  }
  return changes;
}
