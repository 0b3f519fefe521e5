import type { Clock } from "~/domain/clock";
import type { OrderSnapshot } from "~/domain/order";
import type { OrderRepository, ShipmentRepository } from "../ports";

export type OrderSync = ReturnType<typeof createOrderSync>;

/** orders/create, orders/updated and orders/cancelled keep the newest snapshot of each order. */
export function createOrderSync(deps: {
  orders: OrderRepository;
  shipments: ShipmentRepository;
  clock: Clock;
  /** judges the order's fulfillment_delayed case on the new snapshot (the sweep catches up if this fails) */
  fulfillment?: { evaluateOrder(shop: string, orderId: string): Promise<unknown> };
}) {
  const { orders, shipments } = deps;
  return {
    /** returns the ids of the order's shipments, whose evaluation may change with the order (value, tags) */
    async apply(shop: string, order: OrderSnapshot): Promise<number[]> {
      const changed = await orders.saveIfNewer(shop, order);
      if (!changed) return [];
      // shipments may have been created from the fulfillment's name before the order arrived
      await shipments.renameOrder(shop, order.orderId, order.name);
      if (order.cancelledAt !== null) {
        // a cancelled order's parcels are no longer watched or messaged about
        await shipments.cancelShipmentsOfOrder(shop, order.orderId, order.cancelledAt);
      }
      await deps.fulfillment?.evaluateOrder(shop, order.orderId);
      return (await shipments.listShipmentsOfOrder(shop, order.orderId)).map((s) => s.id);
    },
  };
}
