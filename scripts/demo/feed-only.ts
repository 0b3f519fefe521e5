import { createHash } from "node:crypto";
import type { openDatabase } from "~/.server/adapters/db/database";
import { easyPostSignature } from "../local-services/fake-easypost";
import type { IntendedShipment, SimulatedDelivery, SimulatedStore } from "./simulated-store";

type Db = ReturnType<typeof openDatabase>["db"];

/** One thing the demo sends, in the month's order: a Shopify webhook, or an EasyPost event to the shop's feed URL. */
export type DemoDelivery = { kind: "shopify"; delivery: SimulatedDelivery } | { kind: "easypost"; tracking: string; body: string };

export interface FeedRouting {
  deliveries: DemoDelivery[];
  /** tracking numbers (upper case) whose scans come only through EasyPost: a carrier Shopify does not track */
  feedOnly: Set<string>;
  /** tracking numbers Shopify tracks whose scans EasyPost sends too: each scan must count once */
  mirrored: Set<string>;
  easypostEvents: number;
}

/**
 * Shopify's fulfillment event status as EasyPost reports the same scan: `[status, status_detail]` (EasyPost docs,
 * Tracker and TrackingDetail; the message decides where Shopify's one status covers several of EasyPost's details).
 */
export function asEasyPostScan(status: string, message: string | null): [string, string | null] {
  const m = (message ?? "").toLowerCase();
  switch (status) {
    case "label_printed":
    case "label_purchased":
    case "confirmed":
      return ["pre_transit", "label_created"];
    case "carrier_picked_up":
    case "picked_up":
      return ["in_transit", "received_at_origin_facility"];
    case "delayed":
      return ["in_transit", /weather|storm|snow/.test(m) ? "weather_delay" : "delayed"];
    case "out_for_delivery":
      return ["out_for_delivery", "out_for_delivery"];
    case "ready_for_pickup":
      return ["available_for_pickup", "arrived_at_pickup_location"];
    case "attempted_delivery":
      return ["out_for_delivery", "delivery_exception"];
    case "delivered":
      return ["delivered", null];
    case "failure":
      if (/return/.test(m)) return ["return_to_sender", "return"];
      if (/damage/.test(m)) return ["failure", "damaged"];
      if (/lost|missing/.test(m)) return ["failure", "lost"];
      if (/address/.test(m)) return ["failure", "address_correction"];
      return ["failure", "failure"];
    default:
      return ["in_transit", "arrived_at_facility"];
  }
}

/**
 * EasyPost `tracker.updated` events for a stream of Shopify `fulfillment_events/create` payloads: one per scan, each
 * carrying the tracker's whole history so far, as EasyPost sends it. `trackingOf` names each fulfillment's number.
 */
export function easyPostEventsFor(trackingOf: ReadonlyMap<string, string>) {
  const history = new Map<string, object[]>();
  return (d: SimulatedDelivery): { tracking: string; body: string } | null => {
    const p = d.payload as Record<string, string | number | null>;
    const tracking = trackingOf.get(String(p.fulfillment_id));
    if (!tracking) return null;
    const [status, detail] = asEasyPostScan(String(p.status), typeof p.message === "string" ? p.message : null);
    const details = history.get(tracking) ?? [];
    details.push({
      object: "TrackingDetail",
      datetime: new Date(String(p.happened_at)).toISOString(),
      message: p.message,
      status,
      status_detail: detail,
      tracking_location: { city: p.city, state: p.province, country: p.country, zip: p.zip },
    });
    history.set(tracking, details);
    const body = JSON.stringify({
      id: `evt_${d.webhookId.replace(/[^A-Za-z0-9]/g, "")}`,
      object: "Event",
      description: "tracker.updated",
      result: { id: `trk_${tracking}`, object: "Tracker", tracking_code: tracking, status, status_detail: detail, tracking_details: details },
    });
    return { tracking, body };
  };
}

/** The ids of the fulfillment events Shopify deleted in the month: scans another source never reports. */
export function deletedEventIds(store: Pick<SimulatedStore, "deliveries">): Set<string> {
  return new Set(store.deliveries.filter((d) => d.topic === "fulfillment_events/delete").map((d) => String(d.payload.id)));
}

const bucket = (text: string) => createHash("sha256").update(text).digest().readUInt32BE(0) % 1000;

/**
 * Gives the demo carriers Shopify does not track. About 6% of parcels (single-number fulfillments on UPS, USPS or
 * FedEx) become OnTrac parcels: a new OnTrac number, Shopify relays no scans and no shipment status for them, and
 * their scans reach Shipwatch only as EasyPost events, at the moment Shopify's would have. About 4% more UPS parcels
 * keep Shopify's scans and get EasyPost's copies too. `intended` is updated to the new numbers and carrier.
 */
export function routeThroughFeeds(store: SimulatedStore, options: { feedOnlyPerMille?: number; mirroredPerMille?: number } = {}): FeedRouting {
  const feedOnlyCut = options.feedOnlyPerMille ?? 60;
  const mirroredCut = feedOnlyCut + (options.mirroredPerMille ?? 40);
  const numbersOf = new Map<number, number>();
  for (const i of store.intended) numbersOf.set(i.fulfillmentId, (numbersOf.get(i.fulfillmentId) ?? 0) + 1);
  const renamed = new Map<string, string>();
  const feedOnlyFulfillments = new Map<string, string>();
  const mirroredFulfillments = new Map<string, string>();
  for (const i of store.intended as IntendedShipment[]) {
    if (numbersOf.get(i.fulfillmentId) !== 1 || !["ups", "usps", "fedex"].includes(i.carrierCode)) continue;
    const b = bucket(i.trackingNumber);
    if (b < feedOnlyCut) {
      const next = onTracNumber(`${String(bucket(`${i.trackingNumber}:a`)).padStart(3, "0")}${String(bucket(`${i.trackingNumber}:b`)).padStart(2, "0").slice(-2)}${String(i.fulfillmentId).slice(-8).padStart(8, "0")}`);
      renamed.set(i.trackingNumber, next);
      feedOnlyFulfillments.set(String(i.fulfillmentId), next);
      i.trackingNumber = next;
      (i as { carrierCode: string }).carrierCode = "ontrac";
    } else if (b < mirroredCut && i.carrierCode === "ups") {
      mirroredFulfillments.set(String(i.fulfillmentId), i.trackingNumber);
    }
  }
  // events Shopify later deletes never happened for a carrier Shopify does not track
  const deleted = deletedEventIds(store);
  const feedOnlyEvent = easyPostEventsFor(feedOnlyFulfillments);
  const mirroredEvent = easyPostEventsFor(mirroredFulfillments);
  const sentEvents = new Set<string>();
  const deliveries: DemoDelivery[] = [];
  let easypostEvents = 0;
  const pushEvent = (event: { tracking: string; body: string }) => {
    deliveries.push({ kind: "easypost", ...event });
    easypostEvents++;
  };
  for (const d of store.deliveries) {
    const fulfillmentId = String(d.topic.startsWith("fulfillment_events/") ? d.payload.fulfillment_id : d.topic.startsWith("fulfillments/") ? d.payload.id : "");
    if (feedOnlyFulfillments.has(fulfillmentId)) {
      if (d.topic.startsWith("fulfillments/")) deliveries.push({ kind: "shopify", delivery: asFeedOnlyFulfillment(d, renamed) });
      else if (d.topic === "fulfillment_events/create" && !deleted.has(String(d.payload.id)) && !sentEvents.has(d.webhookId)) {
        // a Shopify retry of the same delivery is not a second scan
        sentEvents.add(d.webhookId);
        const event = feedOnlyEvent(d);
        if (event) pushEvent(event);
      }
      continue;
    }
    deliveries.push({ kind: "shopify", delivery: renamed.size ? withNumbers(d, renamed) : d });
    if (mirroredFulfillments.has(fulfillmentId) && d.topic === "fulfillment_events/create" && !deleted.has(String(d.payload.id)) && !sentEvents.has(d.webhookId)) {
      sentEvents.add(d.webhookId);
      const event = mirroredEvent(d);
      if (event) pushEvent(event);
    }
  }
  const upper = (m: Map<string, string>) => new Set([...m.values()].map((n) => n.toUpperCase()));
  return { deliveries, feedOnly: upper(feedOnlyFulfillments), mirrored: upper(mirroredFulfillments), easypostEvents };
}

function withNumbers(d: SimulatedDelivery, renamed: ReadonlyMap<string, string>): SimulatedDelivery {
  let text = JSON.stringify(d.payload);
  let changed = false;
  for (const [from, to] of renamed) {
    if (!text.includes(from)) continue;
    text = text.split(from).join(to);
    changed = true;
  }
  return changed ? { ...d, payload: JSON.parse(text) as Record<string, unknown> } : d;
}

/**
 * An OnTrac number: C, a 13-digit serial and OnTrac's check digit (mod 10 over the serial, led by a 4 if it is not already),
 * as the carrier prints them, so the number reads as OnTrac wherever it is quoted (a shopper's ticket) and not only
 * where its carrier is already known.
 */
export function onTracNumber(serial: string): string {
  const digits = serial.startsWith("4") ? serial : `4${serial}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += Number(digits[i]) * (i % 2 === 1 ? 2 : 1);
  return `C${serial}${(10 - (sum % 10)) % 10}`;
}

/** A fulfillment on OnTrac as Shopify relays it: the merchant's number and carrier name, no tracking URL, no shipment status. */
function asFeedOnlyFulfillment(d: SimulatedDelivery, renamed: ReadonlyMap<string, string>): SimulatedDelivery {
  const renumbered = withNumbers(d, renamed);
  return { ...renumbered, payload: { ...renumbered.payload, tracking_company: "OnTrac", tracking_url: null, tracking_urls: [], shipment_status: null } };
}

/** Posts one EasyPost event to the shop's feed URL, signed as EasyPost signs it; the HTTP status, or null. */
export function postEasyPostEvent(webhookUrl: string, secret: string) {
  return async (body: string): Promise<number | null> => {
    const res = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-hmac-signature": easyPostSignature(body, secret) }, body }).catch(() => null);
    if (!res) return null;
    await res.arrayBuffer();
    return res.status;
  };
}

/**
 * What the feed did in the demo's month: events by source (live, and retired as a second copy of a scan), scans
 * counted twice across sources (two live copies of one status at one minute), and silence cases ever opened on a
 * feed-only parcel that was moving.
 */
export async function feedSummary(db: Db, shop: string, routing: FeedRouting, scenarios: ReadonlyMap<string, string>) {
  const events = await db.selectFrom("ShipmentEvent").select(["source", "deletedAt", "fulfillmentId", "status", "happenedAt"]).where("shop", "=", shop).execute();
  const bySource = new Map<string, { live: number; retired: number }>();
  for (const e of events) {
    const entry = bySource.get(e.source) ?? { live: 0, retired: 0 };
    if (e.deletedAt === null) entry.live++;
    else entry.retired++;
    bySource.set(e.source, entry);
  }
  const seen = new Map<string, Set<string>>();
  let duplicates = 0;
  for (const e of events) {
    if (e.deletedAt !== null) continue;
    const key = `${e.fulfillmentId}|${e.status}|${Math.round(e.happenedAt / 60_000)}`;
    const sources = seen.get(key) ?? new Set<string>();
    if (sources.size && !sources.has(e.source)) duplicates++;
    sources.add(e.source);
    seen.set(key, sources);
  }
  const silence = await db
    .selectFrom("ExceptionCase")
    .select(["shipmentKey", "type"])
    .where("shop", "=", shop)
    .where("type", "in", ["not_picked_up", "stalled", "lost"])
    .execute();
  const expectedSilence: Record<string, string[]> = { never_picked_up: ["not_picked_up"], stalled: ["stalled", "lost"], lost: ["stalled", "lost"] };
  const falseSilence = silence.filter((c) => routing.feedOnly.has(c.shipmentKey) && !(expectedSilence[scenarios.get(c.shipmentKey) ?? ""] ?? []).includes(c.type));
  const feedOnlyShipments = await db.selectFrom("Shipment").select(["shipmentKey", "status"]).where("shop", "=", shop).where("supersededAt", "is", null).execute();
  const stuckAtLabel = feedOnlyShipments.filter((s) => routing.feedOnly.has(s.shipmentKey) && s.status === "label_created" && scenarios.get(s.shipmentKey) !== "never_picked_up").length;
  // events for a number the shop does not have are ignored and counted: none should be, every parcel was shipped first
  const connection = await db.selectFrom("FeedConnection").select(["unknownTrackingCount", "eventCount"]).where("shop", "=", shop).where("provider", "=", "easypost").executeTakeFirst();
  return { bySource, duplicates, falseSilence, stuckAtLabel, unknownTracking: Number(connection?.unknownTrackingCount ?? 0) };
}

export function feedLines(routing: FeedRouting, summary: Awaited<ReturnType<typeof feedSummary>>, registeredOnTrac: number): string[] {
  const sources = [...summary.bySource].sort((a, b) => b[1].live - a[1].live).map(([s, n]) => `${s} ${n.live}${n.retired ? ` (+${n.retired} retired: deleted, or a second copy of a scan)` : ""}`).join(", ");
  return [
    `feeds          ${routing.feedOnly.size} parcels on OnTrac (Shopify relays no scans) tracked through the EasyPost stand-in, ${routing.mirrored.size} more with EasyPost's copy of Shopify's scans; ${routing.easypostEvents} EasyPost events (${summary.unknownTracking} for numbers the shop does not have); trackers registered for ${registeredOnTrac}/${routing.feedOnly.size} OnTrac parcels`,
    `               events by source: ${sources}`,
    `               ${summary.duplicates} scans counted twice across sources; ${summary.falseSilence.length} false not_picked_up/stalled/lost cases on feed-only parcels; ${summary.stuckAtLabel} feed-only parcels left at "label created"`,
  ];
}
