import type { Clock } from "~/domain/clock";
import type { DeliveryRepository, OrderRepository, ShipmentRepository, ShopRepository } from "./ports";

export type Compliance = ReturnType<typeof createCompliance>;

/**
 * app/uninstalled and the three mandatory compliance topics. They do what they say: an uninstall stops
 * the shop's work and forgets its sessions; shop/redact forgets the shop; customers/redact forgets the
 * customer everywhere, raw webhook bodies included; customers/data_request records what we hold.
 */
export function createCompliance(deps: {
  shops: ShopRepository;
  orders: OrderRepository;
  shipments: ShipmentRepository;
  deliveries: DeliveryRepository;
  purgeJobs: (shop: string) => Promise<void>;
  /** forgets what the notifications know of the shop (its cached settings), so nothing more goes out */
  forgetNotifications?: (shop: string) => void;
  /** scrubs recipients and rendered messages of these orders from the outbox */
  redactMessages: (shop: string, orderIds: string[]) => Promise<number>;
  clock: Clock;
}) {
  const { shops, orders, shipments, deliveries, clock } = deps;

  async function customerOrders(shop: string, customer: { id?: string | null; email?: string | null } | null | undefined, orderIds: string[]) {
    return orders.findForCustomer(shop, { id: customer?.id ?? null, email: customer?.email ?? null }, orderIds);
  }

  return {
    async uninstall(shop: string) {
      await shops.markUninstalled(shop, clock.now());
      const sessions = await shops.deleteSessions(shop);
      await deps.purgeJobs(shop);
      deps.forgetNotifications?.(shop);
      return { sessions };
    },

    async redactShop(shop: string) {
      await deps.purgeJobs(shop);
      return shops.purge(shop);
    },

    async redactCustomer(shop: string, customer: { id?: string | null; email?: string | null } | null | undefined, orderIds: string[]) {
      const found = await customerOrders(shop, customer, orderIds);
      const ids = [...new Set([...orderIds, ...found.map((o) => o.orderId)])];
      const redactedOrders = await orders.redact(shop, ids, clock.now());
      const scrubbedDeliveries = await deliveries.scrubBodies(shop, ids, customer?.email ?? null);
      const scrubbedMessages = await deps.redactMessages(shop, ids);
      return { orders: redactedOrders, deliveries: scrubbedDeliveries, messages: scrubbedMessages };
    },

    async recordDataRequest(
      shop: string,
      request: { requestId: string | null; customer: { id?: string | null; email?: string | null } | null | undefined; orderIds: string[] },
    ) {
      const found = await customerOrders(shop, request.customer, request.orderIds);
      const exported = [];
      for (const order of found) {
        const parcels = await shipments.listShipmentsOfOrder(shop, order.orderId);
        exported.push({
          order,
          shipments: parcels.map((s) => ({
            trackingNumber: s.trackingNumber,
            carrier: s.carrierName,
            status: s.status,
            lastEventAt: s.lastEventAt,
          })),
        });
      }
      await shops.recordDataRequest(
        shop,
        {
          requestId: request.requestId,
          customerId: request.customer?.id ?? null,
          email: request.customer?.email ?? null,
          export: { orders: exported },
        },
        clock.now(),
      );
      return { orders: exported.length };
    },
  };
}
