import { randomUUID } from "node:crypto";
import type { SimulatedDelivery } from "./simulated-store";

/**
 * Orders that have not shipped (yet), for the fulfillment_delayed case: two late ones (one never touched, one
 * partly shipped with a backordered line), one still within its handling time and one with nothing to ship (a
 * gift card). Sent as signed orders/create webhooks like the simulated store's; the two late ones should each get
 * one open case for Fulfillment.
 */
export function unshippedOrders(now: number): { deliveries: SimulatedDelivery[]; expectedLate: string[] } {
  const DAY = 86_400_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  let id = 9_990_000_000_000;
  const line = (title: string, quantity: number, fulfillable: number, extra: Record<string, unknown> = {}) => ({
    id: ++id,
    title,
    name: title,
    quantity,
    fulfillable_quantity: fulfillable,
    fulfillment_status: fulfillable === 0 ? "fulfilled" : fulfillable < quantity ? "partial" : null,
    requires_shipping: true,
    gift_card: false,
    price: "24.00",
    ...extra,
  });
  const order = (name: string, placedDaysAgo: number, lines: Record<string, unknown>[], fulfillmentStatus: string | null) => {
    const at = iso(now - placedDaysAgo * DAY);
    return {
      id: ++id,
      name,
      email: `${name.slice(1)}@example.com`,
      created_at: at,
      updated_at: at,
      cancelled_at: null,
      closed_at: null,
      currency: "USD",
      total_price: "96.00",
      fulfillment_status: fulfillmentStatus,
      tags: "",
      shipping_lines: [{ id: ++id, code: "Standard", title: "Standard", price: "6.00", source: "shopify" }],
      line_items: lines,
    };
  };
  const orders = [
    order("#9901", 7, [line("Canvas Tote", 1, 1)], null),
    order("#9902", 6, [line("Merino Beanie", 1, 0), line("Trail Socks", 3, 2)], "partial"),
    order("#9903", 0, [line("Canvas Tote", 1, 1)], null),
    order("#9904", 9, [line("Gift card", 1, 1, { requires_shipping: false, gift_card: true })], null),
  ];
  return {
    deliveries: orders.map((payload) => ({ topic: "orders/create" as const, webhookId: randomUUID(), eventId: randomUUID(), triggeredAt: payload.updated_at, payload })),
    expectedLate: ["#9901", "#9902"],
  };
}
