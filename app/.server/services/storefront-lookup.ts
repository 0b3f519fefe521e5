import { createHash, timingSafeEqual } from "node:crypto";
import type { Clock } from "~/domain/clock";
import { normalizeOrderName } from "~/domain/shipment-state";
import type { LookupResult } from "~/domain/shipment-view";
import { createCustomerAccountShipments } from "./customer-account";
import type { CaseRepository, OrderRepository, ShipmentRecord, ShipmentRepository, StoredOrder } from "../ports";
import { createShipmentViews, type ShipmentViewsDeps } from "./shipment-views";
import { trackLinkExpired, type TrackLinks } from "./track-links";

export type { LookupResult, ShipmentView } from "~/domain/shipment-view";

/** What a shopper asks by: order name and email, a tracking number, or a message link's token (track-links.ts). */
export type LookupQuery = { kind: "order"; order: string; email: string } | { kind: "tracking"; tracking: string } | { kind: "token"; token: string };

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
type KnownOrder = { email: Buffer | null; order: StoredOrder | null; orderName: string; found: Promise<Found> | null };

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
export function createStorefrontLookup(deps: {
  orders: OrderRepository;
  shipments: ShipmentRepository;
  links: TrackLinks;
  /** open cases of the shipments shown: the story's attention */
  cases: Pick<CaseRepository, "openForShipments">;
  /** the shop's time zone (its settings): promises are counted in it; the recipient's when their address says nothing */
  shopZone: (shop: string) => Promise<string>;
  /** the shop's learned delivery windows (services/transit.ts), read once per answer; absent: none shown */
  learned?: ShipmentViewsDeps["learned"];
  /** the legs of multi-leg parcels: their hand-offs are lines of the timeline */
  legs?: ShipmentViewsDeps["legs"];
  clock: Clock;
}) {
  const { orders, shipments, links } = deps;
  const counter = createLookupCounter(shipments);
  const byOrderName = createAnswerMemory<KnownOrder>();
  const byTracking = createAnswerMemory<Promise<Found | null>>();
  const byOrderId = createAnswerMemory<Promise<{ found: Found; delivered: { deliveredAt: number | null }[] } | null>>();
  // one read per kind (events, fulfillments, cases, orders) for all the shipments of an answer
  const viewsFor = createShipmentViews({ shipments, orders, cases: deps.cases, shopZone: deps.shopZone, learned: deps.learned, legs: deps.legs, clock: deps.clock });

  async function found(shop: string, orderName: string, records: ShipmentRecord[], order: StoredOrder | null = null): Promise<Found> {
    const live = records.filter((s) => s.supersededAt === null);
    const views = await viewsFor(shop, live, order ? { orders: [order] } : undefined);
    return { result: { found: true, order: { name: orderName }, shipments: views }, shipmentIds: live.map((s) => s.id) };
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
      known = { email: order?.email ? emailDigest(order.email) : null, order, orderName: order?.name ?? name, found: null };
      byOrderName.set(key, known);
    }
    // the same comparison whether or not the order exists
    const matches = timingSafeEqual(known.email ?? NO_EMAIL, emailDigest(email));
    if (!matches || !known.email || !known.order) return null;
    const entry = known;
    const order = known.order;
    entry.found ??= shared(
      shipments.listShipmentsOfOrder(shop, order.orderId).then((records) => found(shop, entry.orderName, records, order)),
      () => (entry.found = null),
    );
    return entry.found;
  }

  function byTrackingNumber(shop: string, tracking: string): Promise<Found | null> {
    const key = `${shop}\n${tracking.replace(/\s+/g, "").toUpperCase()}`;
    let answer = byTracking.get(key);
    if (!answer) {
      answer = shipments
        // a later leg's number (a hand-off) finds the same parcel
        .getShipmentByTracking(shop, key.slice(shop.length + 1))
        .then((shipment) => (shipment && shipment.supersededAt === null ? found(shop, shipment.orderName, [shipment]) : null));
      answer.catch(() => byTracking.forget(key));
      byTracking.set(key, answer);
    }
    return answer;
  }

  /**
   * A message link answers like the order and its email. A tampered, foreign or too old token reads an order
   * all the same (one that cannot exist), so every not-found does the same work; an order whose parcels were
   * all delivered more than 90 days ago is not-found too.
   */
  function byToken(shop: string, token: string, at: number): Promise<Found | null> {
    const named = links.verify(shop, token, at);
    // a bad token reads as an order that cannot exist: remembered like any other, so it costs what a good one does
    const key = `${shop}\n${named?.orderId ?? "0"}`;
    let answer = byOrderId.get(key);
    if (!answer) {
      answer = (async () => {
        const order = await orders.findById(shop, named?.orderId ?? "0");
        if (!order) return null;
        const records = (await shipments.listShipmentsOfOrder(shop, order.orderId)).filter((s) => s.supersededAt === null);
        return { found: await found(shop, order.name, records, order), delivered: records.map((r) => ({ deliveredAt: r.deliveredAt })) };
      })();
      answer.catch(() => byOrderId.forget(key));
      byOrderId.set(key, answer);
    }
    // the link's life is judged at each ask, not when the answer was remembered
    return answer.then((known) => (named && known && !trackLinkExpired(known.delivered, at) ? known.found : null));
  }

  return {
    async lookup(shop: string, query: LookupQuery, at: number): Promise<LookupResult> {
      const answer =
        query.kind === "order"
          ? await byOrder(shop, normalizeOrderName(query.order), query.email)
          : query.kind === "token"
            ? await byToken(shop, query.token, at)
            : await byTrackingNumber(shop, query.tracking);
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
    /**
     * The shipment objects of these shipments, as the shopper reads them (the Support API and the admin's
     * shipment page tell the same story). Not counted as lookups.
     */
    views: viewsFor,
  };
}
