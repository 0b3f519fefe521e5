import { resolveCarrier, trackingUrlFor, type CarrierCode } from "~/domain/carriers";
import type { Clock } from "~/domain/clock";
import type { NormalizedStatus, StatusSource } from "~/domain/normalize";
import { repeatedScans } from "~/domain/scan-dedupe";
import {
  deriveShipmentState,
  orderNameFromFulfillmentName,
  shipmentKeyFor,
  type FulfillmentSnapshot,
} from "~/domain/shipment-state";
import { safeHttpsUrl } from "~/domain/urls";
import type { FulfillmentEventUpdate, FulfillmentUpdate } from "./shopify-payloads";
import { normalizeWithOverrides, type StatusOverrides } from "./status-mapping";
import type { EventRecord, FulfillmentRecord, OrderRepository, ShipmentRecord, ShipmentRepository, ShipmentWrite, ShopRepository } from "../ports";

export type ShipmentTracking = ReturnType<typeof createShipmentTracking>;

/** One scan from a tracking feed, keyed stably by the feed (it resends every scan with each update). */
export interface FeedScan {
  eventKey: string;
  source: StatusSource;
  code: string | null;
  message: string | null;
  happenedAt: number;
  estimatedDeliveryAt: number | null;
  location: string | null;
}

/**
 * Turns fulfillments and their carrier events into shipments. Events and fulfillments are stored as they
 * come, in any order and any number of times; a shipment is always recomputed from everything known, so
 * the result does not depend on arrival order.
 */
export function createShipmentTracking(deps: {
  shipments: ShipmentRepository;
  orders: OrderRepository;
  shops: ShopRepository;
  clock: Clock;
  /** the merchant's status mapping (the Status mapping page); without it, the default table alone */
  statusOverrides?: (shop: string) => Promise<StatusOverrides>;
  /** scans a feed gave that were new (the write-back to Shopify takes them from here) */
  onFeedScans?: (shop: string, fulfillmentId: string, eventKeys: string[]) => Promise<void>;
}) {
  const { shipments, orders, shops, clock } = deps;
  const overridesOf = async (shop: string) => (deps.statusOverrides ? deps.statusOverrides(shop) : undefined);

  /** Each apply returns the ids of the shipments whose state it changed, for evaluation. */
  async function applyFulfillment(shop: string, f: FulfillmentUpdate): Promise<number[]> {
    const record: FulfillmentRecord = {
      fulfillmentId: f.fulfillmentId,
      orderId: f.orderId,
      name: f.name,
      status: f.status,
      shipmentStatus: f.shipmentStatus,
      service: f.service,
      trackingCompany: f.trackingCompany,
      trackingNumbers: f.trackingNumbers,
      trackingUrls: f.trackingUrls,
      destination: f.destination,
      items: f.items,
      destinationCountry: f.destination?.countryCode ?? null,
      destinationProvince: f.destination?.provinceCode ?? null,
      originCountry: f.originCountry,
      originProvince: f.originProvince,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
    };
    const stored = await shipments.saveFulfillmentIfNewer(shop, record);
    if (!stored) return [];
    if (f.shipmentStatus) {
      const normalized = normalizeWithOverrides({ source: "shopify_shipment_status", code: f.shipmentStatus }, await overridesOf(shop));
      if (!normalized.mapped && normalized.code) {
        await shipments.countUnmapped(shop, "shopify_shipment_status", normalized.code, null, clock.now());
      }
    }
    return recompute(shop, f.fulfillmentId);
  }

  function toEventRecord(e: FulfillmentEventUpdate, receivedAt: number, overrides?: StatusOverrides): { record: EventRecord; normalized: NormalizedStatus } {
    const normalized = normalizeWithOverrides({ source: "shopify_fulfillment_event", code: e.rawStatus, message: e.message }, overrides);
    return {
      normalized,
      record: {
        eventKey: `fe:${e.eventId}`,
        fulfillmentId: e.fulfillmentId,
        orderId: e.orderId,
        source: "shopify_fulfillment_event",
        rawStatus: e.rawStatus,
        rawMessage: e.message,
        status: normalized.status,
        reason: normalized.reason,
        previousStatus: null,
        happenedAt: e.happenedAt ?? receivedAt,
        estimatedDeliveryAt: e.estimatedDeliveryAt,
        location: e.location,
        receivedAt,
        deletedAt: null,
      },
    };
  }

  async function applyEvent(shop: string, e: FulfillmentEventUpdate): Promise<number[]> {
    const now = clock.now();
    const { record, normalized } = toEventRecord(e, now, await overridesOf(shop));
    // stored by the recompute, with the status it follows (one write, not an insert and then an update); recomputed
    // even when the event was known: a run cut off before its end (a crash, a dropped connection) is retried, and
    // only the recompute makes the event count; unchanged shipments are not written
    const { changed, inserted } = await recomputeWith(shop, e.fulfillmentId, record);
    if (inserted && !normalized.mapped && normalized.code) {
      await shipments.countUnmapped(shop, "shopify_fulfillment_event", normalized.code, e.message, now);
    }
    return changed;
  }

  /**
   * Scans a tracking feed reported for one of this fulfillment's parcels, merged like Shopify's own events: each
   * is kept once (its key), read through the feed's code table and the merchant's overrides, counted in the
   * feed's unmapped inbox when its code is unknown, and the shipment recomputed from everything known.
   */
  async function applyFeedScans(shop: string, fulfillmentId: string, orderId: string, scans: readonly FeedScan[]): Promise<number[]> {
    const now = clock.now();
    const overrides = await overridesOf(shop);
    const inserted: string[] = [];
    for (const scan of scans) {
      const normalized = normalizeWithOverrides({ source: scan.source, code: scan.code, message: scan.message }, overrides);
      const record: EventRecord = {
        eventKey: scan.eventKey,
        fulfillmentId,
        orderId,
        source: scan.source,
        rawStatus: scan.code,
        rawMessage: scan.message,
        status: normalized.status,
        reason: normalized.reason,
        previousStatus: null,
        happenedAt: scan.happenedAt,
        estimatedDeliveryAt: scan.estimatedDeliveryAt,
        location: scan.location,
        receivedAt: now,
        deletedAt: null,
      };
      if (!(await shipments.insertEvent(shop, record))) continue;
      inserted.push(scan.eventKey);
      if (!normalized.mapped && normalized.code) await shipments.countUnmapped(shop, scan.source, normalized.code, scan.message, now);
    }
    // as applyEvent: known scans still recompute (a retried run may have stopped before it)
    if (!inserted.length) return recompute(shop, fulfillmentId);
    const changed = await recompute(shop, fulfillmentId);
    await deps.onFeedScans?.(shop, fulfillmentId, inserted);
    return changed;
  }

  /** fulfillment_events/delete carries the whole event: a delete that overtakes its create keeps the same data. */
  async function deleteEvent(shop: string, e: FulfillmentEventUpdate): Promise<number[]> {
    const now = clock.now();
    await shipments.tombstoneEvent(shop, { ...toEventRecord(e, now, await overridesOf(shop)).record, deletedAt: now });
    return recompute(shop, e.fulfillmentId);
  }

  /** Recomputes every shipment of a fulfillment from its snapshot and all of its events. */
  async function recompute(shop: string, fulfillmentId: string): Promise<number[]> {
    return (await recomputeWith(shop, fulfillmentId, null)).changed;
  }

  /**
   * The recompute, with a new event to store (`pending`, unless it is already stored): it is read into the
   * timeline beside the stored ones, and written once with the status it follows. `inserted`: it was new.
   */
  async function recomputeWith(shop: string, fulfillmentId: string, pending: EventRecord | null): Promise<{ changed: number[]; inserted: boolean }> {
    const fulfillment = await shipments.getFulfillment(shop, fulfillmentId);
    // Events that arrive before their fulfillment wait; the fulfillment's arrival recomputes.
    if (!fulfillment) return { changed: [], inserted: pending ? await shipments.insertEvent(shop, pending) : false };
    const now = clock.now();
    const events = await shipments.listEvents(shop, fulfillmentId);
    const adding = pending && !events.some((e) => e.eventKey === pending.eventKey) ? { ...pending } : null;
    if (adding) events.push(adding);
    // Shopify's and a feed's copies of one scan count once: the later copy is retired as a tombstone, so a
    // redelivery of it stays retired too (docs/decisions/0011-one-scan-from-two-sources.md)
    const repeated = new Set(repeatedScans(events.map((e) => ({ ...e, deleted: e.deletedAt !== null }))));
    for (const e of events) {
      if (!repeated.has(e.eventKey)) continue;
      e.deletedAt = now;
      // the new event, a repeat itself, is stored below as the tombstone it is
      if (e !== adding) await shipments.tombstoneEvent(shop, { ...e, deletedAt: now });
    }
    const snapshot: FulfillmentSnapshot = {
      status: fulfillment.status,
      shipmentStatus: fulfillment.shipmentStatus
        ? normalizeWithOverrides({ source: "shopify_shipment_status", code: fulfillment.shipmentStatus }, await overridesOf(shop))
        : null,
      createdAt: fulfillment.createdAt,
      updatedAt: fulfillment.updatedAt,
    };
    const state = deriveShipmentState(
      snapshot,
      events.map((e) => ({
        eventKey: e.eventKey,
        status: e.status,
        reason: e.reason,
        happenedAt: e.happenedAt,
        estimatedDeliveryAt: e.estimatedDeliveryAt,
        deleted: e.deletedAt !== null,
      })),
    );

    const previousChanges = events
      .filter((e) => e !== adding && e.deletedAt === null && state.previousStatusByEvent.has(e.eventKey))
      .filter((e) => (state.previousStatusByEvent.get(e.eventKey) ?? null) !== e.previousStatus)
      .map((e) => ({ eventKey: e.eventKey, previousStatus: state.previousStatusByEvent.get(e.eventKey) ?? null }));
    await shipments.setPreviousStatuses(shop, previousChanges);
    // a deleted event has left the timeline, so it follows nothing
    let inserted = false;
    if (adding) inserted = await shipments.insertEvent(shop, { ...adding, previousStatus: adding.deletedAt === null ? (state.previousStatusByEvent.get(adding.eventKey) ?? null) : null });

    const order = await orders.headerOf(shop, fulfillment.orderId);
    const orderName = order?.name ?? orderNameFromFulfillmentName(fulfillment.name) ?? `#${fulfillment.orderId}`;
    const shopCarriers = (await shops.carriers(shop)) as CarrierCode[];
    const numbers: (string | null)[] = fulfillment.trackingNumbers.length ? fulfillment.trackingNumbers : [null];
    const existing = await shipments.listShipmentsOfFulfillment(shop, fulfillmentId);
    const keys: string[] = [];
    const changed: number[] = [];

    for (const [index, number] of numbers.entries()) {
      const shipmentKey = shipmentKeyFor(number, fulfillmentId);
      keys.push(shipmentKey);
      // a key names one shipment in the shop: found among this fulfillment's, it is the one (a read saved per delivery)
      const owner = existing.find((s) => s.shipmentKey === shipmentKey) ?? (await shipments.getShipmentByKey(shop, shipmentKey));
      // The same tracking number on a newer fulfillment (a re-created label) belongs to the live one.
      if (owner && owner.fulfillmentId !== fulfillmentId && state.cancelled && owner.cancelledAt === null) continue;
      const resolved = carrierFor(fulfillment.trackingCompany, number, shopCarriers);
      const trackingNumber = number?.replace(/\s+/g, "").toUpperCase() ?? null;
      // someone else's words: only an https link is kept, anything else gives way to the carrier's own page
      const merchantUrl = safeHttpsUrl(fulfillment.trackingUrls[index] ?? (numbers.length === 1 ? fulfillment.trackingUrls[0] : undefined));
      const write: ShipmentWrite = {
          shipmentKey,
          fulfillmentId,
          orderId: fulfillment.orderId,
          orderName,
          trackingNumber,
          carrierCode: resolved.carrier.code,
          carrierName: resolved.carrier.name,
          carrierSource: resolved.source,
          trackingUrl: merchantUrl ?? (trackingNumber ? trackingUrlFor(resolved.carrier.code, trackingNumber) : null),
          service: fulfillment.service,
          status: state.status,
          reason: state.reason,
          statusChangedAt: state.statusChangedAt,
          lastEventAt: state.lastEventAt,
          lastCarrierScanAt: state.lastCarrierScanAt,
          firstCarrierScanAt: state.firstCarrierScanAt,
          estimatedDeliveryAt: state.estimatedDeliveryAt,
          deliveredAt: state.deliveredAt,
          deliveryAttempts: state.deliveryAttempts,
          eventCount: state.eventCount,
          destinationCountry: fulfillment.destinationCountry,
          destinationProvince: fulfillment.destinationProvince,
          originCountry: fulfillment.originCountry,
          originProvince: fulfillment.originProvince,
          shippedAt: fulfillment.createdAt,
          cancelledAt: state.cancelled ? fulfillment.updatedAt : order?.cancelledAt ?? null,
          supersededAt: null,
          updatedAt: now,
      };
      // Most deliveries change nothing (each event is followed by a fulfillments/update that repeats it):
      // an unchanged shipment is not written, which keeps updatedAt meaningful and the worker fast.
      if (owner && sameShipment(owner, write)) continue;
      changed.push(await shipments.upsertShipment(shop, shipmentKey, write, now));
    }
    const dropped = existing.filter((s) => !keys.includes(s.shipmentKey) && s.supersededAt === null);
    await shipments.markSuperseded(shop, dropped.map((s) => s.shipmentKey), now);
    // a superseded shipment is evaluated once more, so its open cases can close
    return { changed: [...changed, ...dropped.map((s) => s.id)], inserted };
  }

  // resolving a carrier runs every format of ts-tracking-number; the answer depends only on these inputs
  const carrierCache = new Map<string, ReturnType<typeof resolveCarrier>>();
  function carrierFor(trackingCompany: string | null, trackingNumber: string | null, shopCarriers: CarrierCode[]) {
    const key = `${trackingCompany ?? ""}|${trackingNumber ?? ""}|${shopCarriers.join(",")}`;
    let resolved = carrierCache.get(key);
    if (!resolved) {
      resolved = resolveCarrier({ trackingCompany, trackingNumber, shopCarriers });
      if (carrierCache.size >= 10_000) carrierCache.delete(carrierCache.keys().next().value!);
      carrierCache.set(key, resolved);
    }
    return resolved;
  }

  return { applyFulfillment, applyEvent, applyFeedScans, deleteEvent, recompute };
}

function sameShipment(current: ShipmentRecord, next: ShipmentWrite): boolean {
  return (Object.keys(next) as (keyof ShipmentWrite)[]).every((k) => k === "updatedAt" || current[k] === next[k]);
}
