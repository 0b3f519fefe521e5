import { sameEmail } from "~/domain/order";
import { normalizeOrderName } from "~/domain/shipment-state";
import { STATUS_LABELS, type ShipmentStatus, type StatusReason } from "~/domain/status";
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
    trackingUrl: shipment.trackingUrl,
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

/**
 * The shopper's truth surface. An unknown order and a wrong email give the same answer, so the lookup
 * cannot be used to learn which order numbers exist.
 */
export function createStorefrontLookup(deps: { orders: OrderRepository; shipments: ShipmentRepository }) {
  const { orders, shipments } = deps;

  async function viewsFor(shop: string, records: ShipmentRecord[]): Promise<ShipmentView[]> {
    const live = records.filter((s) => s.supersededAt === null);
    const eventsByFulfillment = new Map<string, EventRecord[]>();
    for (const s of live) {
      if (!eventsByFulfillment.has(s.fulfillmentId)) {
        eventsByFulfillment.set(s.fulfillmentId, await shipments.listEvents(shop, s.fulfillmentId));
      }
    }
    return live.map((s) => toShipmentView(s, eventsByFulfillment.get(s.fulfillmentId) ?? []));
  }

  return {
    async lookup(shop: string, query: LookupQuery): Promise<LookupResult> {
      if (query.kind === "order") {
        const order = await orders.findByName(shop, normalizeOrderName(query.order));
        if (!order || !sameEmail(order.email, query.email)) return { found: false };
        return { found: true, order: { name: order.name }, shipments: await viewsFor(shop, await shipments.listShipmentsOfOrder(shop, order.orderId)) };
      }
      const key = query.tracking.replace(/\s+/g, "").toUpperCase();
      const shipment = await shipments.getShipmentByKey(shop, key);
      if (!shipment || shipment.supersededAt !== null) return { found: false };
      return { found: true, order: { name: shipment.orderName }, shipments: await viewsFor(shop, [shipment]) };
    },
  };
}
