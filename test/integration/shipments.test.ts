import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

describe("shipments from fulfillments (integration, real SQLite)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  const shipmentsOf = (orderId: number) =>
    app.db
      .selectFrom("Shipment")
      .select(["shipmentKey", "trackingNumber", "carrierCode", "carrierSource", "status", "cancelledAt", "supersededAt", "orderName", "shippedAt"])
      .where("shop", "=", SHOP_A)
      .where("orderId", "=", String(orderId))
      .orderBy("shipmentKey")
      .execute();

  it("a fulfillment with two tracking numbers is two shipments sharing its events", async () => {
    const order = orderPayload({ id: newId(), name: "#6001" });
    const f = fulfillmentPayload(order.id, {
      name: "#6001.1",
      tracking_company: "UPS",
      tracking_number: "1Z999AA10123456784",
      tracking_numbers: ["1Z999AA10123456784", "1Z12345E0205271688"],
      tracking_urls: [],
    });
    await app.sendWebhook("fulfillments/create", f);
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "out_for_delivery", message: "Out For Delivery Today" }));
    await app.settle();
    const rows = await shipmentsOf(order.id);
    expect(rows.map((r) => [r.trackingNumber, r.status, r.carrierCode])).toEqual([
      ["1Z12345E0205271688", "out_for_delivery", "ups"],
      ["1Z999AA10123456784", "out_for_delivery", "ups"],
    ]);
    // the order's name comes from the fulfillment until the order itself arrives
    expect(rows[0]!.orderName).toBe("#6001");
    expect(rows[0]!.shippedAt).toBe(Date.parse(f.created_at));
  });

  it("a fulfillment without a tracking number is still tracked, keyed by the fulfillment", async () => {
    const order = orderPayload({ id: newId(), name: "#6002" });
    const f = fulfillmentPayload(order.id, { name: "#6002.1", tracking_company: null, tracking_number: null, tracking_numbers: [], tracking_urls: [], tracking_url: null });
    await app.sendWebhook("fulfillments/create", f);
    await app.settle();
    expect(await shipmentsOf(order.id)).toMatchObject([
      { shipmentKey: `fulfillment:${f.id}`, trackingNumber: null, status: "label_created", carrierCode: "other", carrierSource: "unknown" },
    ]);
  });

  it("a tracking number corrected by a newer fulfillments/update supersedes the old one; an older update arriving late changes nothing", async () => {
    const order = orderPayload({ id: newId(), name: "#6003" });
    const f = fulfillmentPayload(order.id, { name: "#6003.1", tracking_company: "Other", tracking_number: "9400111202555842332669", tracking_numbers: ["9400111202555842332669"], tracking_urls: [] });
    const corrected = { ...f, updated_at: "2026-11-02T16:00:00-05:00", tracking_number: "9400111202555842332676", tracking_numbers: ["9400111202555842332676"] };
    await app.sendWebhook("fulfillments/create", f);
    await app.sendWebhook("fulfillments/update", corrected);
    await app.sendWebhook("fulfillments/update", { ...f, updated_at: "2026-11-02T15:00:00-05:00" });
    await app.settle();
    const rows = await shipmentsOf(order.id);
    expect(rows.map((r) => [r.trackingNumber, r.supersededAt === null ? "live" : "superseded", r.carrierCode, r.carrierSource])).toEqual([
      ["9400111202555842332669", "superseded", "usps", "detected"],
      ["9400111202555842332676", "live", "usps", "detected"],
    ]);
    // the storefront only shows the live one
    const lookup = await fetch(app.proxyUrl({ tracking: "9400111202555842332669" }));
    expect(lookup.status).toBe(404);
  });

  it("a cancelled fulfillment and a cancelled order stop the watch on their shipments", async () => {
    const order = orderPayload({ id: newId(), name: "#6004" });
    const kept = fulfillmentPayload(order.id, { name: "#6004.1", tracking_number: "1Z999AA10123456784X", tracking_numbers: ["1ZX4A0W10300022104"] });
    const cancelled = fulfillmentPayload(order.id, { name: "#6004.2", tracking_number: "1ZX4A0W10300022113", tracking_numbers: ["1ZX4A0W10300022113"] });
    await app.sendWebhook("orders/create", order);
    await app.sendWebhook("fulfillments/create", kept);
    await app.sendWebhook("fulfillments/create", cancelled);
    await app.sendWebhook("fulfillments/update", { ...cancelled, status: "cancelled", updated_at: "2026-11-02T18:00:00-05:00" });
    await app.settle();
    let rows = await shipmentsOf(order.id);
    expect(rows.map((r) => [r.trackingNumber, r.cancelledAt === null])).toEqual([
      ["1ZX4A0W10300022104", true],
      ["1ZX4A0W10300022113", false],
    ]);
    await app.sendWebhook("orders/cancelled", { ...order, cancelled_at: "2026-11-03T09:00:00-05:00", updated_at: "2026-11-03T09:00:00-05:00" });
    await app.settle();
    rows = await shipmentsOf(order.id);
    expect(rows.every((r) => r.cancelledAt !== null)).toBe(true);
  });

  it("an unknown carrier status becomes 'unknown', never 'in transit', and is counted for mapping", async () => {
    const order = orderPayload({ id: newId(), name: "#6005" });
    const f = fulfillmentPayload(order.id, { name: "#6005.1", tracking_number: "1Z999AA10123456784Y", tracking_numbers: ["1Z4W69Y10300022120"] });
    await app.sendWebhook("fulfillments/create", f);
    for (const id of [newId(), newId()]) {
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { id, status: "teleported", message: "Beamed to destination" }));
    }
    await app.settle();
    expect((await shipmentsOf(order.id))[0]!.status).toBe("unknown");
    const unmapped = await app.db.selectFrom("UnmappedStatusCode").selectAll().where("shop", "=", SHOP_A).where("code", "=", "teleported").executeTakeFirstOrThrow();
    expect(unmapped).toMatchObject({ source: "shopify_fulfillment_event", count: 2, exampleMessage: "Beamed to destination" });
  });
});
