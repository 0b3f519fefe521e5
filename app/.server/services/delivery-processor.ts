import type { Clock } from "~/domain/clock";
import { regionOnly, subjectIdsOfBody, withoutCustomer } from "~/domain/redaction";
import type { Compliance } from "./compliance";
import type { OrderSync } from "./order-sync";
import type { DeliveryRepository, ShopRepository } from "../ports";
import type { ShipmentTracking } from "./shipment-tracking";
import {
  CustomersDataRequestPayload,
  CustomersRedactPayload,
  parseFulfillment,
  parseFulfillmentEvent,
  parseOrder,
  ShopRedactPayload,
} from "./shopify-payloads";
import { AFTERSHIP_FEED_TOPIC, EASYPOST_FEED_TOPIC, SHIPENGINE_FEED_TOPIC, type TrackingFeeds } from "./tracking-feeds";
import { disagreement } from "./webhook-agreement";
import type { CarrierTracking } from "./carrier-tracking";
import { createOrderLock, type KeyedLock } from "./order-lock";

export type ProcessOutcome =
  | { outcome: "processed"; orderId: string | null; shipmentIds?: number[] }
  | { outcome: "ignored"; why: string }
  | { outcome: "malformed"; why: string }
  /** signed, but the body does not agree with its headers, or the shop is not where the topic implies: parked */
  | { outcome: "refused"; why: string }
  | { outcome: "missing" };

const COMPLIANCE_TOPICS = ["shop/redact", "customers/redact", "customers/data_request", "app/uninstalled"];
/** the topics an order, fulfillment or event read from the Admin API is applied as (apply) */
export const SHOP_DATA_TOPICS = ["orders/updated", "fulfillments/update", "fulfillment_events/create"] as const;

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
  /** where refusals are reported (someone replaying signed bodies is worth knowing about) */
  logger: { warn(details: object, message: string): void };
  /** tracking feeds: their stored events are merged here, and a new fulfillment may get a feed tracker */
  feeds?: Pick<TrackingFeeds, "applyEasyPostEvent" | "applyAfterShipEvent" | "applyShipEngineEvent" | "fulfillmentCreated">;
  /** the lock on an order's shipments, shared with the carrier poller (services/order-lock.ts) */
  orderLock?: KeyedLock;
  /** direct carrier tracking: a fulfillment's parcels on a carrier the shop polls get a polling schedule */
  carriers?: Pick<CarrierTracking, "fulfillmentSeen">;
}) {
  const { deliveries, shops, tracking, orderSync, compliance, clock } = deps;

  // one order at a time per process (services/order-lock.ts), shared with the carrier poller when it is given
  const oneAtATime: KeyedLock = deps.orderLock ?? createOrderLock();

  /**
   * Why a signed delivery must not be acted on: its body disagrees with its headers (a body replayed under
   * another shop or topic), or a destructive topic arrives for a shop in the wrong state. Null: go ahead.
   */
  async function refusal(shop: string, topic: string, body: unknown): Promise<string | null> {
    const why = disagreement(topic, shop, body);
    if (why) return why;
    // Shopify asks to forget a shop 48 hours after it uninstalled the app; an installed shop is never forgotten
    if (topic === "shop/redact" && (await shops.isInstalled(shop))) return "shop/redact for a shop that is installed: Shopify sends it only after app/uninstalled";
    return null;
  }

  /**
   * `redacted`: the delivery is about a customer who was redacted. It is carried out without their personal
   * fields: the order without who and where, the parcel with its region only, the carrier's words masked.
   */
  async function dispatch(shop: string, topic: string, body: unknown, redacted: boolean): Promise<ProcessOutcome> {
    switch (topic) {
      case "orders/create":
      case "orders/updated":
      case "orders/cancelled": {
        const order = parseOrder(body, { now: clock.now() });
        if (!order.success) return malformed(order.error);
        if (redacted) await compliance.rememberRedactedOrder(shop, order.data.orderId);
        const snapshot = redacted ? withoutCustomer(order.data) : order.data;
        const shipmentIds = await oneAtATime(`${shop}|${order.data.orderId}`, () => orderSync.apply(shop, snapshot));
        return { outcome: "processed", orderId: order.data.orderId, shipmentIds };
      }
      case "fulfillments/create":
      case "fulfillments/update": {
        const f = parseFulfillment(body, { now: clock.now() });
        if (!f.success) return malformed(f.error);
        const update = redacted ? { ...f.data, destination: regionOnly(f.data.destination) } : f.data;
        const shipmentIds = await oneAtATime(`${shop}|${f.data.orderId}`, () => tracking.applyFulfillment(shop, update));
        if (topic === "fulfillments/create") await deps.feeds?.fulfillmentCreated(shop, f.data.fulfillmentId);
        // on update too: a tracking number is often added to a fulfillment after it was created
        await deps.carriers?.fulfillmentSeen(shop, f.data.fulfillmentId);
        return { outcome: "processed", orderId: f.data.orderId, shipmentIds };
      }
      case "fulfillment_events/create":
      case "fulfillment_events/delete": {
        const e = parseFulfillmentEvent(body, { now: clock.now() });
        if (!e.success) return malformed(e.error);
        const event = redacted
          ? { ...e.data, message: await compliance.maskRedacted(shop, e.data.message), location: await compliance.maskRedacted(shop, e.data.location) }
          : e.data;
        const shipmentIds = await oneAtATime(`${shop}|${e.data.orderId}`, () =>
          topic === "fulfillment_events/create" ? tracking.applyEvent(shop, event) : tracking.deleteEvent(shop, event),
        );
        return { outcome: "processed", orderId: e.data.orderId, shipmentIds };
      }
      case EASYPOST_FEED_TOPIC: {
        if (!deps.feeds) return { outcome: "ignored", why: "tracking feeds are not set up" };
        const merged = await deps.feeds.applyEasyPostEvent(shop, body, (orderId, work) => oneAtATime(`${shop}|${orderId}`, work));
        return merged;
      }
      case AFTERSHIP_FEED_TOPIC: {
        if (!deps.feeds) return { outcome: "ignored", why: "tracking feeds are not set up" };
        return deps.feeds.applyAfterShipEvent(shop, body, (orderId, work) => oneAtATime(`${shop}|${orderId}`, work));
      }
      case SHIPENGINE_FEED_TOPIC: {
        if (!deps.feeds) return { outcome: "ignored", why: "tracking feeds are not set up" };
        return deps.feeds.applyShipEngineEvent(shop, body, (orderId, work) => oneAtATime(`${shop}|${orderId}`, work));
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
    /**
     * An order, fulfillment or event that did not arrive as a delivery (the import, reconciliation): refused,
     * ignored or applied exactly as a stored delivery of that topic would be, under the same per-order turn.
     */
    async apply(shop: string, topic: (typeof SHOP_DATA_TOPICS)[number], body: unknown): Promise<ProcessOutcome> {
      const refused = await refusal(shop, topic, body);
      if (refused) return { outcome: "refused", why: `refused: ${refused}` };
      if (!(await shops.isInstalled(shop))) return { outcome: "ignored", why: "shop is not installed" };
      const redacted = await compliance.isRedacted(shop, subjectIdsOfBody(topic, body));
      const outcome = await dispatch(shop, topic, body, redacted);
      if (outcome.outcome === "processed" && outcome.shipmentIds?.length) {
        if (topic.startsWith("orders/")) await deps.markDue(shop, outcome.shipmentIds);
        await deps.requestSweep();
      }
      return outcome;
    },
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
      const refused = await refusal(delivery.shop, delivery.topic, body);
      if (refused) {
        const why = `refused: ${refused}`;
        deps.logger.warn({ deliveryId: delivery.id, shop: delivery.shop, topic: delivery.topic, webhookId: delivery.webhookId, why }, "webhook delivery refused");
        await deliveries.markFailed(delivery.id, why);
        return { outcome: "refused", why };
      }
      const isCompliance = COMPLIANCE_TOPICS.includes(delivery.topic);
      // Shop data arrives for installed shops; a shop that uninstalled has nothing more to track.
      if (!isCompliance && !(await shops.isInstalled(delivery.shop))) {
        await deliveries.markProcessed(delivery.id, { status: "ignored", note: "shop is not installed" }, clock.now());
        return { outcome: "ignored", why: "shop is not installed" };
      }
      const redacted = !isCompliance && (await compliance.isRedacted(delivery.shop, subjectIdsOfBody(delivery.topic, body)));
      const outcome = await dispatch(delivery.shop, delivery.topic, body, redacted);
      if (outcome.outcome === "processed" && outcome.shipmentIds?.length) {
        if (delivery.topic.startsWith("orders/")) await deps.markDue(delivery.shop, outcome.shipmentIds);
        await deps.requestSweep();
      }
      if (outcome.outcome === "malformed") {
        // a parked body about a redacted customer keeps none of their data: it could only be replayed to fail again
        await deliveries.markFailed(delivery.id, outcome.why, { scrubBody: redacted });
      } else if (outcome.outcome === "processed") {
        // shop/redact deleted the delivery row itself along with the rest of the shop; a customer request
        // names the customer it is about, so once carried out it keeps no copy of that data
        // (and a delivery about a redacted customer was carried out without their data: its body goes too)
        const scrubBody = redacted || delivery.topic === "customers/redact" || delivery.topic === "customers/data_request";
        await deliveries.markProcessed(delivery.id, { status: "processed", orderId: outcome.orderId, scrubBody }, clock.now());
      } else if (outcome.outcome === "ignored") {
        await deliveries.markProcessed(delivery.id, { status: "ignored", note: outcome.why }, clock.now());
      }
      return outcome;
    },
  };
}

function malformed(error: { issues: { path: readonly PropertyKey[]; message: string }[] }): ProcessOutcome {
  const why = error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join(".") || "(body)"}: ${i.message}`)
    .join("; ");
  return { outcome: "malformed", why: `payload does not match the topic's schema: ${why}` };
}
