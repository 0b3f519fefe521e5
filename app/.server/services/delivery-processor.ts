import type { Clock } from "~/domain/clock";
import type { Compliance } from "./compliance";
import type { OrderSync } from "./order-sync";
import type { DeliveryRepository, ShopRepository } from "./ports";
import type { ShipmentTracking } from "./shipment-tracking";
import {
  CustomersDataRequestPayload,
  CustomersRedactPayload,
  FulfillmentEventPayload,
  FulfillmentPayload,
  OrderPayload,
  ShopRedactPayload,
} from "./shopify-payloads";

export type ProcessOutcome =
  | { outcome: "processed"; orderId: string | null; shipmentIds?: number[] }
  | { outcome: "ignored"; why: string }
  | { outcome: "malformed"; why: string }
  | { outcome: "missing" };

/** Processes one stored webhook delivery by its topic. Safe to run any number of times. */
export function createDeliveryProcessor(deps: {
  deliveries: DeliveryRepository;
  shops: ShopRepository;
  tracking: ShipmentTracking;
  orderSync: OrderSync;
  compliance: Compliance;
  /**
   * Shipments whose state changed are already due for evaluation (recomputing marks them); a changed
   * order marks its shipments here. Then the sweep is asked to run: it evaluates due shipments in batches.
   */
  markDue: (shop: string, shipmentIds: number[]) => Promise<void>;
  requestSweep: () => Promise<void>;
  clock: Clock;
}) {
  const { deliveries, shops, tracking, orderSync, compliance, clock } = deps;

  // A worker runs several jobs at once; two deliveries of one order must not interleave their read-recompute-
  // write of its shipments (the later write could carry the earlier read). One order at a time, per process.
  const busy = new Map<string, Promise<unknown>>();
  async function oneAtATime<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = busy.get(key) ?? Promise.resolve();
    const mine = before.then(work, work);
    const settled = mine.catch(() => undefined);
    busy.set(key, settled);
    try {
      return await mine;
    } finally {
      if (busy.get(key) === settled) busy.delete(key);
    }
  }

  async function dispatch(shop: string, topic: string, body: unknown): Promise<ProcessOutcome> {
    switch (topic) {
      case "orders/create":
      case "orders/updated":
      case "orders/cancelled": {
        const order = OrderPayload.safeParse(body);
        if (!order.success) return malformed(order.error);
        const shipmentIds = await oneAtATime(`${shop}|${order.data.orderId}`, () => orderSync.apply(shop, order.data));
        return { outcome: "processed", orderId: order.data.orderId, shipmentIds };
      }
      case "fulfillments/create":
      case "fulfillments/update": {
        const f = FulfillmentPayload.safeParse(body);
        if (!f.success) return malformed(f.error);
        const shipmentIds = await oneAtATime(`${shop}|${f.data.orderId}`, () => tracking.applyFulfillment(shop, f.data));
        return { outcome: "processed", orderId: f.data.orderId, shipmentIds };
      }
      case "fulfillment_events/create":
      case "fulfillment_events/delete": {
        const e = FulfillmentEventPayload.safeParse(body);
        if (!e.success) return malformed(e.error);
        const shipmentIds = await oneAtATime(`${shop}|${e.data.orderId}`, () =>
          topic === "fulfillment_events/create" ? tracking.applyEvent(shop, e.data) : tracking.deleteEvent(shop, e.data),
        );
        return { outcome: "processed", orderId: e.data.orderId, shipmentIds };
      }
      case "app/uninstalled":
        await compliance.uninstall(shop);
        return { outcome: "processed", orderId: null };
      case "shop/redact": {
        const p = ShopRedactPayload.safeParse(body);
        if (!p.success) return malformed(p.error);
        await compliance.redactShop(shop);
        return { outcome: "processed", orderId: null };
      }
      case "customers/redact": {
        const p = CustomersRedactPayload.safeParse(body);
        if (!p.success) return malformed(p.error);
        await compliance.redactCustomer(shop, p.data.customer, p.data.orders_to_redact);
        return { outcome: "processed", orderId: null };
      }
      case "customers/data_request": {
        const p = CustomersDataRequestPayload.safeParse(body);
        if (!p.success) return malformed(p.error);
        await compliance.recordDataRequest(shop, {
          requestId: p.data.data_request?.id ?? null,
          customer: p.data.customer,
          orderIds: p.data.orders_requested,
        });
        return { outcome: "processed", orderId: null };
      }
      default:
        return { outcome: "ignored", why: `no handler for topic ${topic}` };
    }
  }

  return {
    async process(deliveryId: number): Promise<ProcessOutcome> {
      const delivery = await deliveries.get(deliveryId);
      if (!delivery) return { outcome: "missing" };
      if (delivery.status === "processed" || delivery.status === "ignored") {
        return { outcome: "processed", orderId: null };
      }
      let body: unknown;
      try {
        body = JSON.parse(delivery.body);
      } catch (error) {
        const why = `body is not JSON: ${(error as Error).message}`;
        await deliveries.markFailed(delivery.id, why);
        return { outcome: "malformed", why };
      }
      const isCompliance = ["shop/redact", "customers/redact", "customers/data_request", "app/uninstalled"].includes(delivery.topic);
      // Shop data arrives for installed shops; a shop that uninstalled has nothing more to track.
      if (!isCompliance && !(await shops.isInstalled(delivery.shop))) {
        await deliveries.markProcessed(delivery.id, { status: "ignored", note: "shop is not installed" }, clock.now());
        return { outcome: "ignored", why: "shop is not installed" };
      }
      const outcome = await dispatch(delivery.shop, delivery.topic, body);
      if (outcome.outcome === "processed" && outcome.shipmentIds?.length) {
        if (delivery.topic.startsWith("orders/")) await deps.markDue(delivery.shop, outcome.shipmentIds);
        await deps.requestSweep();
      }
      if (outcome.outcome === "malformed") {
        await deliveries.markFailed(delivery.id, outcome.why);
      } else if (outcome.outcome === "processed") {
        // shop/redact deleted the delivery row itself along with the rest of the shop; a customer request
        // names the customer it is about, so once carried out it keeps no copy of that data
        const scrubBody = delivery.topic === "customers/redact" || delivery.topic === "customers/data_request";
        await deliveries.markProcessed(delivery.id, { status: "processed", orderId: outcome.orderId, scrubBody }, clock.now());
      } else if (outcome.outcome === "ignored") {
        await deliveries.markProcessed(delivery.id, { status: "ignored", note: outcome.why }, clock.now());
      }
      return outcome;
    },
  };
}

function malformed(error: { issues: { path: (string | number)[]; message: string }[] }): ProcessOutcome {
  const why = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`)
    .join("; ");
  return { outcome: "malformed", why: `payload does not match the topic's schema: ${why}` };
}
