import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Container } from "~/.server/container";
import { FulfillmentEventPayload, FulfillmentPayload, OrderPayload } from "~/.server/services/shopify-payloads";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload, upsJourney } from "../fixtures/shopify";
import { startTestApp, type TestApp } from "../support/test-app";

type Step =
  | { topic: "orders/create"; payload: ReturnType<typeof orderPayload> }
  | { topic: "fulfillments/create" | "fulfillments/update"; payload: ReturnType<typeof fulfillmentPayload> }
  | { topic: "fulfillment_events/create" | "fulfillment_events/delete"; payload: ReturnType<typeof fulfillmentEventPayload> };

/** One order's real-looking history, as Shopify emits it in time order. */
function history(kind: "delivered" | "failed_attempt" | "returned" | "deleted_event"): Step[] {
  const order = orderPayload({ id: newId(), name: "#1001" });
  const base = fulfillmentPayload(order.id, { name: "#1001.1" });
  let events = upsJourney(base.id, order.id);
  if (kind === "failed_attempt") {
    events = events.slice(0, 5).concat([
      fulfillmentEventPayload(base.id, order.id, { status: "attempted_delivery", message: "Delivery attempted - no one available to sign", happened_at: "2026-11-04T14:02:00-05:00" }),
      fulfillmentEventPayload(base.id, order.id, { status: "out_for_delivery", message: "Out For Delivery Today", happened_at: "2026-11-05T08:10:00-05:00" }),
      fulfillmentEventPayload(base.id, order.id, { status: "attempted_delivery", message: "Delivery attempted - no one available to sign", happened_at: "2026-11-05T15:30:00-05:00" }),
    ]);
  }
  if (kind === "returned") {
    events = events.slice(0, 4).concat([
      fulfillmentEventPayload(base.id, order.id, { status: "failure", message: "Returning to sender", happened_at: "2026-11-05T10:00:00-05:00" }),
      fulfillmentEventPayload(base.id, order.id, { status: "delivered", message: "Returned to sender - delivered to shipper", happened_at: "2026-11-08T11:00:00-05:00" }),
    ]);
  }
  // same happened_at for two events: the order must still be total
  events[3] = { ...events[3]!, happened_at: events[2]!.happened_at };
  const steps: Step[] = [{ topic: "orders/create", payload: order }, { topic: "fulfillments/create", payload: base }];
  for (const e of events) {
    steps.push({ topic: "fulfillment_events/create", payload: e });
    steps.push({ topic: "fulfillments/update", payload: { ...base, shipment_status: e.status, updated_at: e.created_at } });
  }
  if (kind === "deleted_event") steps.push({ topic: "fulfillment_events/delete", payload: events[2]! });
  return steps;
}

async function apply(container: Container, shop: string, step: Step) {
  const { tracking, orderSync } = container.services;
  switch (step.topic) {
    case "orders/create":
      return orderSync.apply(shop, OrderPayload.parse(step.payload));
    case "fulfillments/create":
    case "fulfillments/update":
      return tracking.applyFulfillment(shop, FulfillmentPayload.parse(step.payload));
    case "fulfillment_events/create":
      return tracking.applyEvent(shop, FulfillmentEventPayload.parse(step.payload));
    case "fulfillment_events/delete":
      return tracking.deleteEvent(shop, FulfillmentEventPayload.parse(step.payload));
  }
}

async function stateOf(app: TestApp, shop: string) {
  const shipments = await app.db
    .selectFrom("Shipment")
    .select(["shipmentKey", "orderName", "status", "reason", "lastEventAt", "lastCarrierScanAt", "firstCarrierScanAt", "statusChangedAt", "deliveredAt", "deliveryAttempts", "eventCount", "carrierCode", "supersededAt"])
    .where("shop", "=", shop)
    .orderBy("shipmentKey")
    .execute();
  const events = await app.db
    .selectFrom("ShipmentEvent")
    .select(["eventKey", "status", "previousStatus", "deletedAt"])
    .where("shop", "=", shop)
    .orderBy("eventKey")
    .execute();
  return { shipments, events: events.map((e) => ({ ...e, deletedAt: e.deletedAt === null ? null : "deleted" })) };
}

describe("arrival order and duplicates (property)", () => {
  let app: TestApp;
  let shopCounter = 0;
  beforeAll(async () => {
    app = await startTestApp({ worker: false, shops: [] });
  });
  afterAll(async () => app?.close());

  async function freshShop() {
    const shop = `prop-${++shopCounter}.myshopify.com`;
    await app.container.repositories.shops.ensureInstalled(shop, 0);
    return shop;
  }

  for (const kind of ["delivered", "failed_attempt", "returned", "deleted_event"] as const) {
    it(`${kind}: any arrival order with any duplicates reaches the in-order final state`, async () => {
      const steps = history(kind);
      const inOrderShop = await freshShop();
      for (const step of steps) await apply(app.container, inOrderShop, step);
      const expected = await stateOf(app, inOrderShop);
      expect(expected.shipments).toHaveLength(1);

      await fc.assert(
        fc.asyncProperty(
          fc.shuffledSubarray(steps.map((_, i) => i), { minLength: steps.length, maxLength: steps.length }),
          fc.array(fc.nat(steps.length - 1), { maxLength: 8 }),
          async (order, duplicates) => {
            const shop = await freshShop();
            const arrival = [...order];
            for (const d of duplicates) arrival.splice(d % (arrival.length + 1), 0, d);
            for (const index of arrival) await apply(app.container, shop, steps[index]!);
            expect(await stateOf(app, shop)).toEqual(expected);
          },
        ),
        { numRuns: 60, seed: 20261122 + kind.length },
      );
    });
  }

  it("the in-order states are the ones a person reading the timeline would expect", async () => {
    const expectations = {
      delivered: { status: "delivered", reason: null, deliveryAttempts: 0 },
      failed_attempt: { status: "attempted_delivery", reason: "recipient_unavailable", deliveryAttempts: 2 },
      returned: { status: "returned_to_sender", reason: null, deliveryAttempts: 0 },
      deleted_event: { status: "delivered", reason: null, eventCount: 5 },
    } as const;
    for (const [kind, want] of Object.entries(expectations)) {
      const shop = await freshShop();
      for (const step of history(kind as keyof typeof expectations)) await apply(app.container, shop, step);
      const { shipments } = await stateOf(app, shop);
      expect(shipments[0], kind).toMatchObject(want);
    }
  });
});
