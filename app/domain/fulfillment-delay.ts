import { z } from "zod";
import { promisedBy } from "./business-time";

/**
 * Orders that wait too long to ship: the `fulfillment_delayed` case (ARCHITECTURE.md, "Exception type, added").
 * Shipwatch watches parcels from their fulfillment on; this is what it knows of an order before that — which
 * lines still wait, by when the shop means to ship them (its handling time), and whether that time has passed.
 */

/** A line of an order as Shopify's order webhook sends it (`line_items[]`), the parts this module reads. */
export interface OrderLineFacts {
  lineId: string;
  title: string;
  quantity: number;
  /** `fulfillable_quantity`: units still to fulfil; null when the payload did not say (then the line is not judged) */
  fulfillable: number | null;
  /** `fulfillment_status`: null (none shipped), "partial", "fulfilled", "not_eligible", … */
  fulfillmentStatus: string | null;
  /** `requires_shipping`: false for digital goods, services and gift cards */
  requiresShipping: boolean;
  giftCard: boolean;
}

/** A line still to ship, as stored on the order (Order.waitingLines) and shown in a case: product words only. */
export interface WaitingLine {
  lineId: string;
  title: string;
  /** units ordered on the line */
  quantity: number;
  /** units of it still to ship (the rest shipped, or was removed) */
  waiting: number;
}

export const MAX_WAITING_LINES = 50;

/**
 * The lines that hold an order: shippable, with units still to fulfil. A line that needs no shipping (a gift card,
 * a download, `requires_shipping: false`) never holds one, nor one Shopify says is fulfilled or not eligible. A
 * line whose payload omits `fulfillable_quantity` is not judged: Shipwatch does not guess that an order waits.
 * A backordered line is, in Shopify's payload, simply a line still fulfillable: it waits like any other.
 */
export function waitingLinesOf(lines: readonly OrderLineFacts[]): WaitingLine[] {
  const waiting: WaitingLine[] = [];
  for (const line of lines) {
    if (!line.requiresShipping || line.giftCard) continue;
    if (line.fulfillmentStatus === "fulfilled" || line.fulfillmentStatus === "not_eligible") continue;
    if (line.fulfillable === null || !Number.isInteger(line.fulfillable) || line.fulfillable <= 0) continue;
    waiting.push({ lineId: line.lineId, title: line.title, quantity: Math.max(line.quantity, line.fulfillable), waiting: line.fulfillable });
    if (waiting.length === MAX_WAITING_LINES) break;
  }
  return waiting;
}

// ---------------------------------------------------------------------------------------------------------------
// Handling time

export interface HandlingMethod {
  /** case-insensitive part of the order's shipping line title or code */
  match: string;
  businessDays: number;
}

export interface HandlingTime {
  /** business days (shop calendar: Mon–Fri without the shop's holidays) an order may take to ship */
  businessDays: number;
  /** local hour from which an order counts from the next business day (24: no cut-off) */
  cutoffHour: number;
  /** overrides per shipping method, in order: the first match wins */
  methods: HandlingMethod[];
}

export const DEFAULT_HANDLING_TIME: HandlingTime = Object.freeze({ businessDays: 2, cutoffHour: 24, methods: [] as HandlingMethod[] });

const days = z.number({ invalid_type_error: "Enter a number of business days" }).int("Whole days only").min(0, "0 or more").max(60, "At most 60");

/** What the merchant may save (Settings → Handling time): bad input is refused field by field. */
export const HandlingTimeSchema = z.object({
  businessDays: days,
  cutoffHour: z.number({ invalid_type_error: "Enter an hour from 0 to 24" }).int("A whole hour").min(0, "From 0").max(24, "Up to 24"),
  methods: z
    .array(
      z.object({
        match: z.string().trim().min(1, "Enter part of a shipping method's name or code").max(100, "At most 100 characters"),
        businessDays: days,
      }),
    )
    .max(20, "At most 20 shipping methods"),
});

/** The stored handling time, or the default when it is missing or unreadable. */
export function handlingTimeOf(stored: unknown): HandlingTime {
  const parsed = HandlingTimeSchema.safeParse(stored);
  return parsed.success ? parsed.data : { ...DEFAULT_HANDLING_TIME, methods: [] };
}

export interface ShippingLine {
  title: string | null;
  code: string | null;
}

/** The handling time that applies to an order: its shipping method's override, or the shop's default. */
export function handlingFor(handling: HandlingTime, shippingLines: readonly ShippingLine[]): { businessDays: number; method: string | null } {
  for (const m of handling.methods) {
    const needle = m.match.trim().toLowerCase();
    if (!needle) continue;
    const hit = shippingLines.some((l) => (l.title ?? "").toLowerCase().includes(needle) || (l.code ?? "").toLowerCase().includes(needle));
    if (hit) return { businessDays: m.businessDays, method: m.match.trim() };
  }
  return { businessDays: handling.businessDays, method: null };
}

/**
 * The end of the day (shop zone) by which an order should have shipped: `businessDays` business days after the day
 * it counts from — the order's own day when that is a business day and it came before the cut-off, else the next
 * business day. The same counting as promise dates (business-time.ts), so the two never disagree.
 */
export function shipByOf(orderedAt: number, businessDays: number, cutoffHour: number, shop: { timezone: string; holidays: readonly string[] }): number {
  return promisedBy(orderedAt, { match: "", businessDays, cutoffHour }, shop);
}

// ---------------------------------------------------------------------------------------------------------------
// The decision

export interface OrderFulfillmentFacts {
  name: string;
  createdAt: number;
  cancelledAt: number | null;
  closedAt: number | null;
  /** Shopify's order `fulfillment_status` */
  fulfillmentStatus: string | null;
  waitingLines: readonly WaitingLine[];
  shippingLines: readonly ShippingLine[];
}

export type FulfillmentReading =
  /** nothing holds the order any more */
  | { state: "settled"; why: "fulfilled" | "cancelled" | "closed" | "nothing_to_ship" }
  /** lines wait, still within the handling time */
  | { state: "waiting"; shipBy: number; businessDays: number; method: string | null }
  /** lines wait past the handling time */
  | { state: "late"; shipBy: number; businessDays: number; method: string | null; lines: WaitingLine[]; units: number; partly: boolean };

export function readFulfillment(order: OrderFulfillmentFacts, handling: HandlingTime, shop: { timezone: string; holidays: readonly string[] }, now: number): FulfillmentReading {
  if (order.cancelledAt !== null) return { state: "settled", why: "cancelled" };
  if (order.closedAt !== null) return { state: "settled", why: "closed" };
  if (!order.waitingLines.length) return { state: "settled", why: order.fulfillmentStatus === "fulfilled" ? "fulfilled" : "nothing_to_ship" };
  const { businessDays, method } = handlingFor(handling, order.shippingLines);
  const shipBy = shipByOf(order.createdAt, businessDays, handling.cutoffHour, shop);
  if (now <= shipBy) return { state: "waiting", shipBy, businessDays, method };
  const lines = [...order.waitingLines];
  const units = lines.reduce((n, l) => n + l.waiting, 0);
  // some of it shipped already: a line shipped in part, or the order is partly fulfilled
  const partly = order.fulfillmentStatus === "partial" || lines.some((l) => l.waiting < l.quantity);
  return { state: "late", shipBy, businessDays, method, lines, units, partly };
}

/** A fulfillment_delayed case goes to the fulfillment team; a day to ship it or tell the customer. */
export const FULFILLMENT_DELAY_CASE = Object.freeze({ type: "fulfillment_delayed", owner: "fulfillment", ruleName: "Handling time", slaHours: 24 } as const);

export interface OrderCaseOpening {
  priority: "normal" | "high";
  dueAt: number;
  reason: string;
}

export interface OrderCasePlan {
  open: OrderCaseOpening | null;
  /** the open case to resolve by itself, and why in words */
  resolve: { caseId: number; why: string } | null;
  /** when to look at the order again (null: not until it changes) */
  nextCheckAt: number | null;
}

/**
 * What to do about an order's case, given the reading and the order's latest fulfillment_delayed case. At most
 * one open case per order; it resolves itself once nothing waits. A case a person resolved while the order still
 * waited stands: the same wait does not open another (a new wait, after everything shipped once, does).
 */
export function planOrderCase(
  reading: FulfillmentReading,
  latest: { id: number; status: "open" | "snoozed" | "resolved"; resolvedBy: string | null } | null,
  words: { timezone: string; system: string },
  now: number,
): OrderCasePlan {
  const open = latest && latest.status !== "resolved" ? latest : null;
  if (reading.state === "settled") {
    return { open: null, resolve: open ? { caseId: open.id, why: SETTLED_WORDS[reading.why] } : null, nextCheckAt: null };
  }
  if (reading.state === "waiting") {
    // still within the handling time (a fulfillment cancelled meanwhile can bring an order back here): look again just after it
    return { open: null, resolve: open ? { caseId: open.id, why: "The order is within its handling time again." } : null, nextCheckAt: reading.shipBy + 1 };
  }
  if (open) return { open: null, resolve: null, nextCheckAt: null };
  const personClosed = latest !== null && latest.status === "resolved" && latest.resolvedBy !== words.system;
  if (personClosed) return { open: null, resolve: null, nextCheckAt: null };
  const lateDays = now - reading.shipBy > reading.businessDays * 86_400_000 + 86_400_000;
  return {
    open: { priority: lateDays ? "high" : "normal", dueAt: now + FULFILLMENT_DELAY_CASE.slaHours * 3_600_000, reason: lateReason(reading, words.timezone) },
    resolve: null,
    nextCheckAt: null,
  };
}

const SETTLED_WORDS: Record<Extract<FulfillmentReading, { state: "settled" }>["why"], string> = {
  fulfilled: "Every item has shipped.",
  nothing_to_ship: "Nothing is left to ship.",
  cancelled: "The order was cancelled.",
  closed: "The order was closed (archived).",
};

/**
 * The case's reason, in the words fulfillment uses: which lines, how many, since when, which handling time.
 * "2 items not shipped 3 business days after the order: Trail Runner 2 (1 of 1), Wool Socks (1 of 3). Due to ship
 * by Wed 4 Nov (handling time 2 business days, Express)."
 */
export function lateReason(reading: Extract<FulfillmentReading, { state: "late" }>, timezone: string): string {
  const items = reading.units === 1 ? "1 item" : `${reading.units} items`;
  const shown = reading.lines.slice(0, 5).map((l) => `${l.title} (${l.waiting} of ${l.quantity})`);
  const more = reading.lines.length > 5 ? `, and ${reading.lines.length - 5} more lines` : "";
  const handling = `handling time ${reading.businessDays} business ${reading.businessDays === 1 ? "day" : "days"}${reading.method ? `, ${reading.method}` : ""}`;
  const lead = reading.partly ? `${items} still not shipped (partly fulfilled)` : `${items} not shipped`;
  return `${lead}: ${shown.join(", ")}${more}. Due to ship by ${dayWords(reading.shipBy, timezone)} (${handling}).`;
}

/** "Wed 4 Nov": the day a deadline ends, in the shop's zone. */
export function dayWords(at: number, timezone: string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: timezone, weekday: "short", day: "numeric", month: "short" }).format(at);
}

/** The key an order-level case is filed under (ExceptionCase.shipmentKey): never a tracking number, which is upper case. */
export function orderCaseKey(orderId: string): string {
  return `order:${orderId}`;
}
