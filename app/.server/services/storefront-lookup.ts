import { createHash, timingSafeEqual } from "node:crypto";
import { normalizeOrderName } from "~/domain/shipment-state";
import { STATUS_LABELS, type ShipmentStatus, type StatusReason } from "~/domain/status";
import { safeHttpsUrl } from "~/domain/urls";
import { createCustomerAccountShipments } from "./customer-account";
import type { EventRecord, OrderRepository, ShipmentRecord, ShipmentRepository } from "./ports";

/** The shipment object of the storefront lookup and Support API contracts (ARCHITECTURE.md). */
export interface ShipmentView {
  trackingNumber: string | null;
  carrier: { code: string; name: string };
  trackingUrl: string | null;
  status: ShipmentStatus;
  statusLabel: string;
  reason: StatusReason | null;
  estimatedDeliveryAt: string | null;
  lastEventAt: string | null;
  events: { status: ShipmentStatus; reason: StatusReason | null; happenedAt: string; message: string | null; location: string | null }[];
}

export type LookupQuery = { kind: "order"; order: string; email: string } | { kind: "tracking"; tracking: string };
export type LookupResult = { found: true; order: { name: string }; shipments: ShipmentView[] } | { found: false };

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function toShipmentView(shipment: ShipmentRecord, events: EventRecord[]): ShipmentView {
  return {
    trackingNumber: shipment.trackingNumber,
    carrier: { code: shipment.carrierCode, name: shipment.carrierName },
    // checked again on the way out: rows stored before tracking URLs were checked on the way in
    trackingUrl: safeHttpsUrl(shipment.trackingUrl),
    status: shipment.status,
    statusLabel: STATUS_LABELS[shipment.status] ?? STATUS_LABELS.unknown,
    reason: shipment.reason,
    estimatedDeliveryAt: iso(shipment.estimatedDeliveryAt),
    lastEventAt: iso(shipment.lastEventAt),
    // listEvents gives newest first, the order shoppers and agents read a timeline in
    events: events
      .filter((e) => e.deletedAt === null)
      .map((e) => ({
        status: e.status,
        reason: e.reason,
        happenedAt: new Date(e.happenedAt).toISOString(),
        message: e.rawMessage,
        location: e.location,
      })),
  };
}

/** Emails compare without case or surrounding space, by digest and in constant time. */
const emailDigest = (email: string) => createHash("sha256").update(email.trim().toLowerCase()).digest();
// compared against when the order is unknown, so that both not-found answers do the same work
const NO_EMAIL = emailDigest("no-order@shipwatch.invalid");


/**
 * Answers are remembered for two seconds per process, found or not, keyed by what was asked. A shopper's
 * refreshes, a notification blast's double clicks and a scraper's repeats then cost no database work, and the
 * state shown is at most two seconds older than the worker's (carrier events arrive minutes apart). It runs on
 * a monotonic timer, not the business clock: it is an operational detail, like a connection pool.
 */
const ANSWER_TTL_MS = 2_000;
const ANSWERS_KEPT = 2_000;

function createAnswerMemory<V>() {
  const entries = new Map<string, { value: V; expires: number }>();
  return {
    get(key: string): V | undefined {
      const entry = entries.get(key);
      if (entry && entry.expires > performance.now()) return entry.value;
      if (entry) entries.delete(key);
      return undefined;
    },
    set(key: string, value: V) {
      if (entries.size >= ANSWERS_KEPT) entries.delete(entries.keys().next().value!);
      entries.set(key, { value, expires: performance.now() + ANSWER_TTL_MS });
    },
    forget(key: string) {
      entries.delete(key);
    },
  };
}

type Found = { result: Extract<LookupResult, { found: true }>; shipmentIds: number[] };
/** What an order name leads to: the order's email digest (null when no such order) and, once asked for, its answer. */
type KnownOrder = { email: Buffer | null; orderId: string; orderName: string; found: Promise<Found> | null };

/**
 * Lookups are counted in memory and written together a moment later: the shopper's answer never waits on a
 * write, and a burst of lookups of one order is one UPDATE per shipment. The counts are analytics: a crash
 * loses at most the last moment's, and a failed write drops them rather than failing anything else.
 */
function createLookupCounter(shipments: ShipmentRepository, delayMs = 250) {
  let pending = new Map<string, Map<number, { count: number; lastAt: number }>>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let writing: Promise<void> = Promise.resolve();
  const write = async () => {
    const batch = pending;
    pending = new Map();
    for (const [shop, byId] of batch) await shipments.recordLookups(shop, [...byId].map(([id, c]) => ({ id, ...c })));
  };
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    writing = writing.then(write).catch(() => undefined);
    return writing;
  };
  return {
    count(shop: string, ids: number[], at: number) {
      const byId = pending.get(shop) ?? new Map<number, { count: number; lastAt: number }>();
      pending.set(shop, byId);
      for (const id of ids) {
        const c = byId.get(id);
        if (c) {
          c.count += 1;
          c.lastAt = Math.max(c.lastAt, at);
        } else byId.set(id, { count: 1, lastAt: at });
      }
      if (!timer) {
        timer = setTimeout(flush, delayMs);
        timer.unref?.();
      }
    },
    /** writes what is pending now (tests, shutdown) */
    flush,
  };
}

/**
 * The shopper's truth surface. An unknown order and a wrong email give the same answer after the same
 * work, so the lookup cannot be used to learn which order numbers exist. Each answered lookup is counted on
 * the shipments it showed (a count and a time, nothing about who asked): a customer checking three times is
 * asking, and rules and analytics can read that.
 */
export function createStorefrontLookup(deps: { orders: OrderRepository; shipments: ShipmentRepository }) {
  const { orders, shipments } = deps;
  const counter = createLookupCounter(shipments);
  const byOrderName = createAnswerMemory<KnownOrder>();
  const byTracking = createAnswerMemory<Promise<Found | null>>();

  async function viewsFor(shop: string, records: ShipmentRecord[]): Promise<ShipmentView[]> {
    const live = records.filter((s) => s.supersededAt === null);
    // one read for every fulfillment's events (a fulfillment with two tracking numbers shares them)
    const events = await shipments.listEventsOfFulfillments(shop, [...new Set(live.map((s) => s.fulfillmentId))]);
    return live.map((s) => toShipmentView(s, events.filter((e) => e.fulfillmentId === s.fulfillmentId)));
  }

  async function found(shop: string, orderName: string, records: ShipmentRecord[]): Promise<Found> {
    const live = records.filter((s) => s.supersededAt === null);
    return { result: { found: true, order: { name: orderName }, shipments: await viewsFor(shop, live) }, shipmentIds: live.map((s) => s.id) };
  }

  /** Concurrent askers share one read; a failed read is forgotten at once, so the next asker tries again. */
  function shared(promise: Promise<Found>, forget: () => void): Promise<Found> {
    promise.catch(forget);
    return promise;
  }

  async function byOrder(shop: string, name: string, email: string): Promise<Found | null> {
    const key = `${shop}\n${name}`;
    let known = byOrderName.get(key);
    if (!known) {
      const order = await orders.findByName(shop, name);
      known = { email: order?.email ? emailDigest(order.email) : null, orderId: order?.orderId ?? "", orderName: order?.name ?? name, found: null };
      byOrderName.set(key, known);
    }
    // the same comparison whether or not the order exists
    const matches = timingSafeEqual(known.email ?? NO_EMAIL, emailDigest(email));
    if (!matches || !known.email) return null;
    const entry = known;
    entry.found ??= shared(
      shipments.listShipmentsOfOrder(shop, entry.orderId).then((records) => found(shop, entry.orderName, records)),
      () => (entry.found = null),
    );
    return entry.found;
  }

  function byTrackingNumber(shop: string, tracking: string): Promise<Found | null> {
    const key = `${shop}\n${tracking.replace(/\s+/g, "").toUpperCase()}`;
    let answer = byTracking.get(key);
    if (!answer) {
      answer = shipments
        .getShipmentByKey(shop, key.slice(shop.length + 1))
        .then((shipment) => (shipment && shipment.supersededAt === null ? found(shop, shipment.orderName, [shipment]) : null));
      answer.catch(() => byTracking.forget(key));
      byTracking.set(key, answer);
    }
    return answer;
  }

  return {
    async lookup(shop: string, query: LookupQuery, at: number): Promise<LookupResult> {
      const answer = query.kind === "order" ? await byOrder(shop, normalizeOrderName(query.order), query.email) : await byTrackingNumber(shop, query.tracking);
      if (!answer) return { found: false };
      counter.count(shop, answer.shipmentIds, at);
      return answer.result;
    },
    /** writes the lookup counts still held in memory */
    flushLookupCounts: () => counter.flush(),
    /**
     * The order status page (customer account UI extension): the same shipment objects, for the signed-in
     * customer's own order. Viewing the page is not counted as a lookup: it opens for many reasons.
     */
    shipmentsForCustomer: createCustomerAccountShipments({ orders, shipments, views: viewsFor }),
  };
}
