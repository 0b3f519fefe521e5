import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { createCaseRepository } from "~/.server/adapters/cases";
import { createEvaluationStore } from "~/.server/adapters/evaluations";
import { createOrderRepository } from "~/.server/adapters/orders";
import { createRuleRepository } from "~/.server/adapters/rules";
import { createSettingsRepository } from "~/.server/adapters/settings";
import { createShipmentRepository } from "~/.server/adapters/shipments";
import { createShopProfile } from "~/.server/services/shop-profile";
import { createExceptionDesk, type ParkedEvaluation } from "~/.server/services/exception-desk";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, hole 4: one event dated +275760-09-13 (the largest date JavaScript can hold) made every sweep
 * throw "Invalid time value", and then no silence, late or failed-delivery case opened for any shop.
 * - A time out of range (before 2000, or more than a day ahead of the app's clock) is refused when the
 *   delivery is parsed: the delivery is parked as failed, saying which field and why, and nothing is stored.
 * - The sweep isolates failures per shipment: a bad row that reached the database anyway is parked (looked
 *   at again a day later, and the failure kept as a parked job naming the shipment) and the others go on.
 */
describe("out-of-range times and the silence sweep (issue 13, hole 4)", () => {
  // Saturday 21 November 2026, 01:00 UTC; the control parcel's last scan was Friday 18:00 New York
  const START = "2026-11-21T01:00:00Z";
  // Thursday 26 November: 48 business hours after that scan, so the control parcel is stalled
  const STALLED_BY = "2026-11-26T00:00:00Z";
  const clock = fixedClock(START);
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());
  beforeEach(() => clock.set(START));

  /** An order, its fulfillment and its events, each delivery signed and worked by the real worker. */
  async function ship(shop: string, tracking: string, events: Record<string, unknown>[], extra: { order?: Record<string, unknown>; fulfillment?: Record<string, unknown> } = {}) {
    const order = orderPayload({ id: newId(), name: `#${tracking.slice(-4)}`, created_at: "2026-11-12T09:00:00-05:00", updated_at: "2026-11-12T09:00:00-05:00", ...extra.order });
    const fulfillment = fulfillmentPayload(order.id, {
      name: `${order.name}.1`,
      tracking_company: "Canada Post",
      tracking_number: tracking,
      tracking_numbers: [tracking],
      tracking_urls: [],
      created_at: "2026-11-12T14:00:00-05:00",
      updated_at: "2026-11-12T14:00:00-05:00",
      ...extra.fulfillment,
    });
    const ids: Record<string, string> = {};
    const send = async (topic: string, body: Record<string, unknown>) => {
      const webhookId = `${topic}-${String(body.id)}`;
      expect((await app.sendWebhook(topic, body, { shop, webhookId })).status).toBe(200);
      ids[`${topic}:${String(body.id)}`] = webhookId;
    };
    await send("orders/create", order);
    await send("fulfillments/create", fulfillment);
    for (const e of events) await send("fulfillment_events/create", fulfillmentEventPayload(fulfillment.id, order.id, e));
    await app.settle();
    return { order, fulfillment, webhookIds: ids };
  }

  const delivery = (webhookId: string) =>
    app.db.selectFrom("WebhookDelivery").select(["status", "error"]).where("webhookId", "=", webhookId).executeTakeFirstOrThrow();
  const stalledCases = (shop: string, tracking: string) =>
    app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", shop).where("shipmentKey", "=", tracking).where("type", "=", "stalled").execute();

  /** Runs the sweep as the worker does: batch after batch until nothing more is due. */
  async function sweepToTheEnd() {
    const parked: { shop: string; shipmentId: number; error: string }[] = [];
    for (let i = 0; i < 20; i++) {
      const result = await app.container.services.desk.sweep(500);
      parked.push(...result.parked);
      if (result.evaluated < 500) break;
    }
    return parked;
  }

  it("GIVEN a signed event dated +275760-09-13 for shop A THEN it is parked naming happened_at, and shop B's stalled parcel still gets its case", async () => {
    const control = await ship(SHOP_B, "7316213581064545", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const hostile = await ship(SHOP_A, "7316213581064552", [
      { status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" },
      { id: 91_000_001, status: "in_transit", message: "From the end of time", happened_at: "+275760-09-13T00:00:00.000Z" },
    ]);
    const parked = await delivery(hostile.webhookIds["fulfillment_events/create:91000001"]!);
    expect(parked.status).toBe("failed");
    expect(parked.error).toMatch(/happened_at/);
    expect(parked.error).toMatch(/ahead of the clock/);
    // nothing of the refused event was stored
    const stored = await app.db.selectFrom("ShipmentEvent").select("eventKey").where("shop", "=", SHOP_A).where("eventKey", "=", "fe:91000001").execute();
    expect(stored).toEqual([]);
    const shipment = await app.db.selectFrom("Shipment").select(["lastEventAt"]).where("shop", "=", SHOP_A).where("shipmentKey", "=", "7316213581064552").executeTakeFirstOrThrow();
    expect(shipment.lastEventAt).toBe(Date.parse("2026-11-20T18:00:00-05:00"));

    clock.set(STALLED_BY);
    await sweepToTheEnd();
    expect(await stalledCases(SHOP_B, "7316213581064545")).toEqual([{ type: "stalled", status: "open" }]);
    // and shop A's own sound parcel too
    expect(await stalledCases(SHOP_A, "7316213581064552")).toEqual([{ type: "stalled", status: "open" }]);
    expect(control.order.id).toBeGreaterThan(0);
  });

  it("GIVEN other out-of-range times THEN each delivery is parked with the field and the reason", async () => {
    const { order, fulfillment } = await ship(SHOP_A, "7316213581064560", []);
    const cases: { topic: string; body: Record<string, unknown>; field: RegExp; why: RegExp }[] = [
      // before 2000: no Shopify store, no parcel
      { topic: "fulfillment_events/create", body: fulfillmentEventPayload(fulfillment.id, order.id, { happened_at: "1999-12-31T23:59:59Z" }), field: /happened_at/, why: /before 2000/ },
      // the fallback time of an event without happened_at
      { topic: "fulfillment_events/create", body: fulfillmentEventPayload(fulfillment.id, order.id, { happened_at: null, created_at: "+275760-09-13T00:00:00.000Z" }), field: /created_at/, why: /ahead of the clock/ },
      // an estimate may lie ahead, but not centuries ahead
      { topic: "fulfillment_events/create", body: fulfillmentEventPayload(fulfillment.id, order.id, { estimated_delivery_at: "+275760-09-13T00:00:00.000Z" }), field: /estimated_delivery_at/, why: /ahead of the clock/ },
      { topic: "fulfillments/update", body: { ...fulfillment, updated_at: "2027-03-01T00:00:00Z" }, field: /updated_at/, why: /ahead of the clock/ },
      { topic: "fulfillments/create", body: fulfillmentPayload(order.id, { created_at: "0001-01-01T00:00:00Z" }), field: /created_at/, why: /before 2000/ },
      { topic: "orders/updated", body: { ...order, updated_at: "2026-11-21T01:00:00Z", cancelled_at: "+200000-01-01T00:00:00Z" }, field: /cancelled_at/, why: /ahead of the clock/ },
      { topic: "orders/create", body: orderPayload({ created_at: "1970-01-01T00:00:00Z" }), field: /created_at/, why: /before 2000/ },
    ];
    const before = await app.db.selectFrom("Shipment").selectAll().where("shop", "=", SHOP_A).where("fulfillmentId", "=", String(fulfillment.id)).execute();
    for (const [i, c] of cases.entries()) {
      const webhookId = `out-of-range-${i}`;
      expect((await app.sendWebhook(c.topic, c.body, { webhookId })).status).toBe(200);
      await app.settle();
      const d = await delivery(webhookId);
      expect(d.status, `${c.topic} #${i}`).toBe("failed");
      expect(d.error, `${c.topic} #${i}`).toMatch(c.field);
      expect(d.error, `${c.topic} #${i}`).toMatch(c.why);
    }
    const after = await app.db.selectFrom("Shipment").selectAll().where("shop", "=", SHOP_A).where("fulfillmentId", "=", String(fulfillment.id)).execute();
    expect(after).toEqual(before);
    const storedOrder = await app.db.selectFrom("Order").select("cancelledAt").where("shop", "=", SHOP_A).where("orderId", "=", String(order.id)).executeTakeFirstOrThrow();
    expect(storedOrder.cancelledAt).toBeNull();
  });

  it("GIVEN the app's clock THEN 'ahead' is judged by it, not by the machine's time", async () => {
    // the machine's clock is past this date; the app's clock (held at START) is four days before it
    expect(Date.now()).toBeGreaterThan(Date.parse("2026-11-25T00:00:00Z"));
    const { order, fulfillment } = await ship(SHOP_A, "7316213581064578", []);
    const ahead = fulfillmentEventPayload(fulfillment.id, order.id, { happened_at: "2026-11-25T00:00:00Z" });
    expect((await app.sendWebhook("fulfillment_events/create", ahead, { webhookId: "four-days-ahead" })).status).toBe(200);
    // a scan stamped a few hours ahead (a carrier's clock, a time zone written wrong) is within the day allowed
    const skewed = fulfillmentEventPayload(fulfillment.id, order.id, { happened_at: "2026-11-21T09:00:00Z", estimated_delivery_at: "2026-12-01T00:00:00Z" });
    expect((await app.sendWebhook("fulfillment_events/create", skewed, { webhookId: "hours-ahead" })).status).toBe(200);
    await app.settle();
    expect((await delivery("four-days-ahead")).status).toBe("failed");
    expect(await delivery("hours-ahead")).toEqual({ status: "processed", error: null });
  });

  /** A shipment row written straight to the database (an old version, a manual fix, a restore): past what any parser lets in. */
  const corruptShipment = (fulfillmentId: number | string) =>
    app.db
      .updateTable("Shipment")
      .set({ lastEventAt: 8_640_000_000_000_000, lastCarrierScanAt: 8_640_000_000_000_000, nextCheckAt: clock.now() })
      .where("shop", "=", SHOP_A)
      .where("fulfillmentId", "=", String(fulfillmentId))
      .returning("id")
      .executeTakeFirstOrThrow();

  it("GIVEN a bad row already in the database THEN the sweep parks that shipment and goes on for every other one", async () => {
    await ship(SHOP_B, "7316213581064586", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const { fulfillment } = await ship(SHOP_A, "7316213581064594", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const bad = await corruptShipment(fulfillment.id);

    clock.set(STALLED_BY);
    const parked = await sweepToTheEnd();
    expect(await stalledCases(SHOP_B, "7316213581064586")).toEqual([{ type: "stalled", status: "open" }]);
    expect(parked).toEqual([{ shop: SHOP_A, shipmentId: bad.id, error: expect.stringMatching(/Invalid time value/) }]);
    // parked: not due again for a day, so it does not take the front of every sweep
    const row = await app.db.selectFrom("Shipment").select("nextCheckAt").where("id", "=", bad.id).executeTakeFirstOrThrow();
    expect(row.nextCheckAt).toBe(clock.now() + 24 * 3_600_000);
    // a second sweep has nothing to trip on
    expect(await sweepToTheEnd()).toEqual([]);
  });

  it("GIVEN a bad row THEN the sweep job records it as a parked job naming the shipment, and the queue keeps working", async () => {
    const { fulfillment } = await ship(SHOP_A, "7316213581064602", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const bad = await corruptShipment(fulfillment.id);
    await app.container.queue.enqueueOnce({ name: "silence-sweep", shop: "*", payload: {} });
    await app.settle();
    const parkedJobs = await app.container.queue.listParked({ shop: SHOP_A });
    const recorded = parkedJobs.find((j) => j.name === "evaluate-shipment" && (j.payload as { shipmentId: number }).shipmentId === bad.id);
    expect(recorded?.lastError).toMatch(new RegExp(`shipment ${bad.id}.*Invalid time value`));
    // the sweep itself succeeded
    expect(parkedJobs.filter((j) => j.name === "silence-sweep")).toEqual([]);
    expect((await app.container.queue.listParked({ shop: "*" })).filter((j) => j.name === "silence-sweep")).toEqual([]);

    // once the row is mended, replaying the parked job evaluates the shipment again
    const lastScan = Date.parse("2026-11-20T18:00:00-05:00");
    await app.db.updateTable("Shipment").set({ lastEventAt: lastScan, lastCarrierScanAt: lastScan }).where("id", "=", bad.id).execute();
    expect(await app.container.queue.replay({ shop: SHOP_A, ids: [recorded!.id] })).toBe(1);
    await app.settle();
    const row = await app.db.selectFrom("Shipment").select("nextCheckAt").where("id", "=", bad.id).executeTakeFirstOrThrow();
    expect(row.nextCheckAt).not.toBe(clock.now() + 24 * 3_600_000);
    expect((await app.container.queue.listParked({ shop: SHOP_A })).map((j) => j.id)).not.toContain(recorded!.id);
  });

  it("GIVEN one shipment whose writes fail (a fault in the notification planning) THEN the batch is evaluated again one by one and only that shipment is parked", async () => {
    const good = await ship(SHOP_A, "7316213581064610", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const faulty = await ship(SHOP_A, "7316213581064628", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    const idOf = async (fulfillmentId: number) =>
      (await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_A).where("fulfillmentId", "=", String(fulfillmentId)).executeTakeFirstOrThrow()).id;
    const [goodId, faultyId] = [await idOf(good.fulfillment.id), await idOf(faulty.fulfillment.id)];
    // the real repositories over the app's database; only the planning step is made to fail, for one shipment
    const database = app.container.database;
    const reported: ParkedEvaluation[] = [];
    const desk = createExceptionDesk({
      shipments: createShipmentRepository(database),
      orders: createOrderRepository(database),
      cases: createCaseRepository(database),
      profile: createShopProfile({ rules: createRuleRepository(database), settings: createSettingsRepository(database), clock }),
      evaluations: createEvaluationStore(database),
      clock,
      subscribers: [
        async (_shop, items) => {
          if (items.some((i) => i.shipment.id === faultyId)) throw new Error("template engine fell over");
          return async () => undefined;
        },
      ],
      onParked: async (parked) => void reported.push(...parked),
    });
    clock.set(STALLED_BY);
    await app.db.updateTable("Shipment").set({ nextCheckAt: clock.now() }).where("id", "in", [goodId, faultyId]).execute();
    const { parked } = await desk.sweep(500);
    expect(parked).toEqual([{ shop: SHOP_A, shipmentId: faultyId, error: "Error: template engine fell over" }]);
    expect(reported).toEqual(parked);
    expect(await stalledCases(SHOP_A, "7316213581064610")).toEqual([{ type: "stalled", status: "open" }]);
    expect(await stalledCases(SHOP_A, "7316213581064628")).toEqual([]);
  });
});
