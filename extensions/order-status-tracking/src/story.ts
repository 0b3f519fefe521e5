import type { EstimatedDelivery } from "../../../app/domain/estimate";
import type { ShipmentView } from "../../../app/domain/shipment-view";
import { MILESTONES, milestoneOf, type ShipmentStatus } from "../../../app/domain/status";

/**
 * What the order status page says about one parcel, worked out from the storefront lookup's shipment object
 * (the same one the tracking page and support read). The headline, the attention and the estimate are the
 * app's story (app/domain/story.ts), told in the order's language: the page and this extension say the same.
 * Pure: translation and date formatting are handed in, so the view logic is tested without Shopify's host.
 */

export type { ShipmentView };

export interface StoryI18n {
  /** the extension's translate: "status.in_transit", "eta" with {{date}} … */
  translate(key: string, replacements?: Record<string, string | number>): string;
  /** a date in the shopper's language, as shopify.i18n.formatDate does */
  formatDate(date: Date, options: Intl.DateTimeFormatOptions): string;
}

export type Tone = "auto" | "success" | "critical";

export interface ShipmentStory {
  key: string;
  /** "Shipment 2 of 3" when the order has more than one parcel */
  position: string | null;
  /** the story's headline ("Arriving Tuesday, November 24", "Waiting for news from UPS") */
  headline: string;
  reason: string | null;
  tone: Tone;
  /** while a case the shopper would notice is open: what happened and what the shop is doing, in plain words */
  attention: string | null;
  /** what happened and what comes next (the attention says both while it is set) */
  explanation: string | null;
  next: string | null;
  /** the estimate (never a passed one), or when it was delivered */
  when: string | null;
  progress: { value: number; label: string; critical: boolean };
  carrier: string;
  trackingNumber: string | null;
  trackingUrl: string | null;
  trackingLabel: string;
  /** the newest events, compact */
  recent: { key: string; at: string; dateTime: string; text: string; place: string | null }[];
  /** "and 4 earlier updates", when there are more */
  earlier: string | null;
}

/** Statuses that need the shopper's attention: shown in the critical tone. */
const PROBLEMS: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["delayed", "attempted_delivery", "exception", "returning_to_sender", "returned_to_sender"]);
export const RECENT_EVENTS = 3;

const DAY: Intl.DateTimeFormatOptions = { weekday: "long", month: "long", day: "numeric" };
const MOMENT: Intl.DateTimeFormatOptions = { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" };

/** An instant's day, in the shopper's zone. */
function day(iso: string, i18n: StoryI18n): string {
  return i18n.formatDate(new Date(iso), DAY);
}

/** An estimate's day is already the recipient's ("YYYY-MM-DD"): formatted at noon UTC, it stays that day everywhere. */
function calendarDay(isoDate: string, i18n: StoryI18n): string {
  return i18n.formatDate(new Date(`${isoDate}T12:00:00Z`), { ...DAY, timeZone: "UTC" });
}

/** The estimate in words: a day, a window, or a promise's "by". */
export function estimateWords(e: EstimatedDelivery, i18n: StoryI18n): string {
  if (e.earliest !== e.latest) return i18n.translate("eta_window", { from: calendarDay(e.earliest, i18n), to: calendarDay(e.latest, i18n) });
  if (e.source === "promise") return i18n.translate("eta_by", { date: calendarDay(e.latest, i18n) });
  return i18n.translate("eta", { date: calendarDay(e.latest, i18n) });
}

/**
 * Where the parcel is on the bar: its status's milestone, or off the happy path, the furthest one it reached.
 * A shipment exists from its label on, so it has always reached the first ("packed").
 */
export function milestoneReached(shipment: Pick<ShipmentView, "status" | "events">): number {
  const own = milestoneOf(shipment.status);
  if (own !== null) return own;
  return Math.max(0, ...shipment.events.map((e) => milestoneOf(e.status) ?? 0));
}

export function storyOf(shipment: ShipmentView, index: number, total: number, i18n: StoryI18n): ShipmentStory {
  const { translate } = i18n;
  const reached = milestoneReached(shipment);
  const delivered = shipment.status === "delivered";
  const attention = shipment.attention?.message ?? null;
  const critical = attention !== null || PROBLEMS.has(shipment.status);
  const droppedOff = delivered ? (shipment.events.find((e) => e.status === "delivered")?.happenedAt ?? shipment.lastEventAt) : null;
  // the app never sends a passed estimate for a parcel still coming (estimate.ts)
  const when = droppedOff
    ? translate("delivered_on", { date: day(droppedOff, i18n) })
    : !delivered && shipment.estimatedDelivery
      ? estimateWords(shipment.estimatedDelivery, i18n)
      : null;
  const olderCount = Math.max(0, shipment.events.length - RECENT_EVENTS);
  return {
    key: shipment.trackingNumber ?? `shipment-${index}`,
    position: total > 1 ? translate("shipment_of", { n: index + 1, total }) : null,
    headline: shipment.story.headline,
    reason: shipment.reason ? translate(`reason.${shipment.reason}`) : null,
    tone: critical ? "critical" : delivered ? "success" : "auto",
    attention,
    explanation: attention === null ? shipment.story.explanation : null,
    next: attention === null ? shipment.story.next : null,
    when,
    // the bar runs from nothing to delivered in four milestones; reaching the first one is a quarter
    progress: { value: (reached + 1) / MILESTONES.length, label: translate("progress", { step: reached + 1, milestone: translate(`milestones.${MILESTONES[reached]}`) }), critical },
    carrier: shipment.carrier.name,
    trackingNumber: shipment.trackingNumber,
    trackingUrl: shipment.trackingUrl && /^https:\/\//i.test(shipment.trackingUrl) ? shipment.trackingUrl : null,
    trackingLabel: translate("carrier_link", { carrier: shipment.carrier.name }),
    recent: shipment.events.slice(0, RECENT_EVENTS).map((e, k) => ({
      key: `${e.happenedAt}-${k}`,
      at: i18n.formatDate(new Date(e.happenedAt), MOMENT),
      dateTime: e.happenedAt,
      text: e.message ? `${translate(`status.${e.status}`)} · ${e.message}` : translate(`status.${e.status}`),
      place: e.location,
    })),
    earlier: olderCount > 0 ? translate("more", { count: olderCount }) : null,
  };
}

export type ShipmentsAnswer =
  | { kind: "found"; orderName: string; shipments: ShipmentView[] }
  | { kind: "not_found" }
  | { kind: "failed"; status: number };

/** Reads the app's answer: the storefront lookup's `{ order, shipments }`, or an error. */
export async function readAnswer(response: Pick<Response, "status" | "json">): Promise<ShipmentsAnswer> {
  if (response.status === 404) return { kind: "not_found" };
  if (response.status !== 200) return { kind: "failed", status: response.status };
  const body = (await response.json()) as { order?: { name?: string }; shipments?: ShipmentView[] };
  if (!Array.isArray(body.shipments)) return { kind: "failed", status: response.status };
  return { kind: "found", orderName: body.order?.name ?? "", shipments: body.shipments };
}

/** The app endpoint's URL for an order, and for one fulfillment of it. */
export function shipmentsUrl(appUrl: string, orderId: string, fulfillmentId?: string | null): string {
  const query = new URLSearchParams({ order: orderId });
  if (fulfillmentId) query.set("fulfillment", fulfillmentId);
  return `${appUrl.replace(/\/$/, "")}/api/customer-account/shipments?${query}`;
}
