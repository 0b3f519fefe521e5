import { describe, expect, it } from "vitest";
import { eventPayloads, fulfillmentPayload, fulfillmentsOf, legacyId, orderPayload } from "~/.server/services/shopify-graphql-payloads";
import { adminTruth } from "./admin-truth";
import { simulateStore } from "./simulated-store";

const SHOP = "admin-truth-test.myshopify.com";
const END = new Date("2026-11-30T18:00:00Z");

/**
 * The demo's Admin API truth, read back the way reconciliation reads it (the app's own GraphQL → webhook mapping),
 * tells what the month's webhooks told: every order, every fulfillment at its last version, every event not deleted.
 */
describe("the demo's Admin API truth", () => {
  const store = simulateStore({ seed: 11, shipments: 300, shop: SHOP, end: END });
  const truth = adminTruth(store.deliveries);

  it("lists each order once, at its last version, cancelled ones included", () => {
    const webhookOrders = new Map<string, Record<string, unknown>>();
    for (const d of store.deliveries) if (d.topic.startsWith("orders/")) webhookOrders.set(String(d.payload.id), d.payload);
    expect(truth.map((o) => legacyId(o.id)).sort()).toEqual([...webhookOrders.keys()].sort());
    for (const o of truth) {
      const read = orderPayload(o);
      const last = [...store.deliveries].filter((d) => d.topic.startsWith("orders/") && String(d.payload.id) === read.id).sort((a, b) => Date.parse(String(a.payload.updated_at)) - Date.parse(String(b.payload.updated_at))).at(-1)!.payload;
      expect({ name: read.name, email: read.email, updated_at: read.updated_at, cancelled_at: read.cancelled_at, tags: read.tags }).toEqual({ name: last.name, email: last.email, updated_at: last.updated_at, cancelled_at: last.cancelled_at, tags: last.tags });
    }
  });

  it("carries every fulfillment's tracking numbers and status, and exactly the events not deleted", () => {
    const events = new Map<string, Record<string, unknown>>();
    for (const d of store.deliveries) {
      if (d.topic === "fulfillment_events/create") events.set(String(d.payload.id), d.payload);
      if (d.topic === "fulfillment_events/delete") events.delete(String(d.payload.id));
    }
    const readEvents = truth.flatMap((o) => fulfillmentsOf(o).flatMap((f) => eventPayloads(f, legacyId(o.id)!)));
    expect(readEvents.map((e) => String(e.id)).sort()).toEqual([...events.keys()].sort());
    for (const e of readEvents) expect({ status: e.status, happened_at: e.happened_at, fulfillment_id: e.fulfillment_id }).toEqual({ status: events.get(String(e.id))!.status, happened_at: events.get(String(e.id))!.happened_at, fulfillment_id: String(events.get(String(e.id))!.fulfillment_id) });

    const tracked = truth.flatMap((o) => fulfillmentsOf(o).map((f) => fulfillmentPayload(f, legacyId(o.id)!, o.shippingAddress)));
    expect(tracked.flatMap((f) => f.tracking_numbers as string[]).sort()).toEqual(store.intended.map((i) => i.trackingNumber).sort());
  });
});
