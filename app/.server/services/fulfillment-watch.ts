import type { Clock } from "~/domain/clock";
import { handlingFor, planOrderCase, readFulfillment, shipByOf, type WaitingLine } from "~/domain/fulfillment-delay";
import type { CaseRecord, FulfillmentWatchStore, OrderRepository } from "../ports";
import type { ShopProfile } from "./shop-profile";

export type FulfillmentWatch = ReturnType<typeof createFulfillmentWatch>;

/** The actor that resolves cases by itself (the same word the exception desk's store writes). */
const SYSTEM = "shipwatch";

/** How long an order whose check failed is left alone: it costs one failure a day, not the front of every sweep. */
const PARKED_ORDER_MS = 24 * 3_600_000;

/**
 * Orders before they ship: an order whose shippable lines still wait past the shop's handling time gets one open
 * fulfillment_delayed case (owner fulfillment), which resolves itself once everything shipped or the order is
 * cancelled or closed. Each order snapshot is judged when it arrives (orders/create, orders/updated) and again by
 * the sweep when its ship-by deadline passes: the sweep reads only the orders due, through their index.
 */
export function createFulfillmentWatch(deps: {
  store: FulfillmentWatchStore;
  orders: Pick<OrderRepository, "findById">;
  profile: Pick<ShopProfile, "get">;
  clock: Clock;
  /** told of each case it opened (a customer message may follow) */
  onOpened?: (shop: string, opened: CaseRecord) => Promise<void>;
  onFailed?: (failure: { shop: string; orderId: string; error: unknown }) => void;
}) {
  const { store, orders, profile, clock } = deps;

  async function evaluateOrder(shop: string, orderId: string): Promise<{ opened: CaseRecord | null; resolved: boolean }> {
    const order = await orders.findById(shop, orderId);
    if (!order) return { opened: null, resolved: false };
    const { settings } = await profile.get(shop);
    const now = clock.now();
    const reading = readFulfillment(order, settings.handlingTime, { timezone: settings.timezone, holidays: settings.holidays }, now);
    const latest = await store.latestCase(shop, orderId);
    const plan = planOrderCase(reading, latest, { timezone: settings.timezone, system: SYSTEM }, now);
    const result = await store.apply(shop, order, plan, now);
    if (result.opened) await deps.onOpened?.(shop, result.opened);
    return result;
  }

  return {
    evaluateOrder,
    /** the orders whose check is due, a bounded batch; one that cannot be judged is set aside a day, the others go on */
    async sweep(limit = 500): Promise<{ evaluated: number; failed: number }> {
      const due = await store.dueOrders(clock.now(), limit);
      let failed = 0;
      for (const { shop, orderId } of due) {
        try {
          await evaluateOrder(shop, orderId);
        } catch (error) {
          failed++;
          deps.onFailed?.({ shop, orderId, error });
          await store.postpone(shop, orderId, clock.now() + PARKED_ORDER_MS);
        }
      }
      return { evaluated: due.length, failed };
    },
    /** the handling time changed: every order that waits (or has an open case) is judged again by the next sweep */
    recheckShop(shop: string): Promise<number> {
      return store.recheckShop(shop, clock.now());
    },
    /**
     * What the case page shows for an order-level case: the lines still to ship (as the order says now), when it
     * was placed, the handling time that applies and its ship-by day. Null for an order Shipwatch does not hold.
     */
    async orderFile(shop: string, orderId: string): Promise<{ name: string; createdAt: number; shipBy: number; businessDays: number; method: string | null; fulfillmentStatus: string | null; cancelled: boolean; waitingLines: WaitingLine[] } | null> {
      const order = await orders.findById(shop, orderId);
      if (!order) return null;
      const { settings } = await profile.get(shop);
      const { businessDays, method } = handlingFor(settings.handlingTime, order.shippingLines);
      return {
        name: order.name,
        createdAt: order.createdAt,
        shipBy: shipByOf(order.createdAt, businessDays, settings.handlingTime.cutoffHour, { timezone: settings.timezone, holidays: settings.holidays }),
        businessDays,
        method,
        fulfillmentStatus: order.fulfillmentStatus,
        cancelled: order.cancelledAt !== null,
        waitingLines: order.waitingLines,
      };
    },
  };
}
