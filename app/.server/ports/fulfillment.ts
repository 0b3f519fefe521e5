import type { OrderCasePlan } from "~/domain/fulfillment-delay";
import type { CaseRecord } from "./cases";

/** Ports — the fulfillment watch: orders that wait to ship, and their order-level (fulfillment_delayed) cases. */

export interface OrderDue {
  shop: string;
  orderId: string;
}

export interface FulfillmentWatchStore {
  /** orders whose handling check is due, of every shop, earliest first: read through the index on the due time */
  dueOrders(at: number, limit: number): Promise<OrderDue[]>;
  /** the order's latest fulfillment_delayed case (open, snoozed or resolved), if it has one */
  latestCase(shop: string, orderId: string): Promise<CaseRecord | null>;
  /**
   * Writes a plan in one transaction, only if the order is still the snapshot it was made from (`updatedAt`; a
   * newer one stays due and is judged on its own): the case opened (at most one open per order: the unique open
   * slot refuses a twin), the open case resolved by itself, and the next check.
   */
  apply(
    shop: string,
    order: { orderId: string; name: string; updatedAt: number },
    plan: OrderCasePlan,
    at: number,
  ): Promise<{ opened: CaseRecord | null; resolved: boolean }>;
  /** an order that could not be judged is looked at again then, not at the front of every sweep */
  postpone(shop: string, orderId: string, until: number): Promise<void>;
  /** every order of the shop that waits, or has an open case, is due now (its handling time changed) */
  recheckShop(shop: string, at: number): Promise<number>;
}
