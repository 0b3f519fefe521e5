import { describe, expect, it } from "vitest";
import { eventPayloads, fulfillmentPayload, fulfillmentsOf, orderPayload } from "~/.server/services/shopify-graphql-payloads";
import { storeHistory } from "./history";
import { simulateStore } from "./simulated-store";

const SHOP = "history-test.myshopify.com";
const DAY = 86_400_000;
const MONTH_START = Date.parse("2026-11-01T05:00:00Z");

/** The month before the demo's, as the Admin API holds it for Settings → Import. */
describe("the demo store's history", () => {
  const history = storeHistory({ seed: 7, shipments: 300, shop: SHOP, monthStart: MONTH_START });

  it("holds only finished journeys on carriers Shopify relays, all placed before the month, within the import's 60 days", () => {
    expect(history.orders.length).toBeGreaterThan(100);
    expect(history.end).toBe(MONTH_START - DAY);
    for (const order of history.orders) {
      const read = orderPayload(order);
      const orderId = String(read.id);
      expect(Date.parse(String(read.created_at))).toBeLessThan(history.end);
      expect(Date.parse(String(read.created_at))).toBeGreaterThanOrEqual(MONTH_START + 30 * DAY - 60 * DAY);
      const fulfillments = fulfillmentsOf(order);
      expect(fulfillments.length).toBeGreaterThan(0);
      for (const f of fulfillments) {
        const payload = fulfillmentPayload(f, orderId, null);
        expect(payload.tracking_company).not.toBe("OnTrac");
        expect(eventPayloads(f, orderId).at(-1)?.status).toBe("delivered");
      }
    }
    // a fulfillment may hold several parcels, one tracking number each
    const parcels = history.orders.flatMap((o) => fulfillmentsOf(o).map((f) => (fulfillmentPayload(f, String(orderPayload(o).id), null).tracking_numbers as string[]).length));
    expect(history.shipments).toBe(parcels.reduce((a, b) => a + b, 0));
  });

  it("is the same for the same seed, and the month's orders go on from its numbers", () => {
    expect(storeHistory({ seed: 7, shipments: 300, shop: SHOP, monthStart: MONTH_START }).orders).toEqual(history.orders);
    const month = simulateStore({ seed: 7, shipments: 50, shop: SHOP, end: new Date(MONTH_START + 30 * DAY), firstOrderNumber: history.nextOrderNumber });
    const names = new Set(history.orders.map((o) => orderPayload(o).name));
    const monthNames = month.intended.map((i) => i.orderName);
    expect(monthNames.some((n) => names.has(n))).toBe(false);
    expect(Math.min(...monthNames.map((n) => Number(n.slice(1))))).toBeGreaterThanOrEqual(history.nextOrderNumber);
  });
});
