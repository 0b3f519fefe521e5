import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, hole 6 (two of the smaller holes):
 * - a lone surrogate in a tracking number threw "URI malformed" in the job and parked the delivery: text
 *   that reaches a URL is made well-formed (lone surrogates and control characters go) and the shipment kept;
 * - a fulfillment with 30,000 tracking numbers held every shop's deliveries for about 15 s: a fulfillment
 *   lists at most 100, and one beyond that is parked with the reason (and costs next to nothing).
 */
describe("tracking numbers: malformed text and absurd counts (issue 13, hole 6)", () => {
  const clock = fixedClock("2026-11-03T15:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  const delivery = (webhookId: string) =>
    app.db.selectFrom("WebhookDelivery").select(["status", "error"]).where("webhookId", "=", webhookId).executeTakeFirstOrThrow();
  const shipmentsOf = (fulfillmentId: number, shop = SHOP_A) =>
    app.db.selectFrom("Shipment").select(["shipmentKey", "trackingNumber", "trackingUrl", "orderName"]).where("shop", "=", shop).where("fulfillmentId", "=", String(fulfillmentId)).orderBy("id").execute();

  async function send(topic: string, body: unknown, webhookId: string, shop = SHOP_A) {
    expect((await app.sendWebhook(topic, body, { shop, webhookId })).status).toBe(200);
  }

  it("GIVEN a tracking number with a lone surrogate and control characters THEN the shipment is kept under the clean number, with the carrier's link", async () => {
    const order = orderPayload({ id: newId(), name: "#2001" });
    const dirty = "1Z999AA1\u000001234\uD80056784\u0007";
    const f = fulfillmentPayload(order.id, { tracking_company: "UPS", tracking_number: dirty, tracking_numbers: [dirty], tracking_url: null, tracking_urls: [] });
    await send("orders/create", order, "surrogate-order");
    await send("fulfillments/create", f, "surrogate-fulfillment");
    await app.settle();
    expect(await delivery("surrogate-fulfillment")).toEqual({ status: "processed", error: null });
    expect(await shipmentsOf(f.id)).toEqual([
      { shipmentKey: "1Z999AA10123456784", trackingNumber: "1Z999AA10123456784", trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784", orderName: "#2001" },
    ]);
    // the storefront finds it by the clean number
    const found = await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }));
    expect(found.status).toBe(200);
  });

  it("GIVEN a lone surrogate in an order name and an event's words THEN they are stored well-formed and the messages' links can be built", async () => {
    const order = orderPayload({ id: newId(), name: "#20\uDC0002" });
    const f = fulfillmentPayload(order.id, { name: "#2002.1", tracking_company: "UPS", tracking_number: "1Z999AA10123456792", tracking_numbers: ["1Z999AA10123456792"], tracking_urls: [] });
    const e = fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed\uD83D from \u001bFacility", city: "Tor\uDFFFonto" });
    await send("orders/create", order, "surrogate-name-order");
    await send("fulfillments/create", f, "surrogate-name-fulfillment");
    await send("fulfillment_events/create", e, "surrogate-name-event");
    await app.settle();
    for (const id of ["surrogate-name-order", "surrogate-name-fulfillment", "surrogate-name-event"]) expect(await delivery(id)).toEqual({ status: "processed", error: null });
    const [shipment] = await shipmentsOf(f.id);
    expect(shipment!.orderName).toBe("#20\uFFFD02");
    expect(() => encodeURIComponent(shipment!.orderName)).not.toThrow();
    const event = await app.db.selectFrom("ShipmentEvent").select(["rawMessage", "location"]).where("shop", "=", SHOP_A).where("eventKey", "=", `fe:${e.id}`).executeTakeFirstOrThrow();
    expect(event).toEqual({ rawMessage: "Departed\uFFFD from Facility", location: "Tor\uFFFDonto, Ontario, Canada" });
  });

  it("GIVEN a fulfillment with 30,000 tracking numbers THEN it is parked at once with the reason, and another shop's delivery is not held", async () => {
    const order = orderPayload({ id: newId(), name: "#2003" });
    const numbers = Array.from({ length: 30_000 }, (_, i) => `LN${String(i).padStart(9, "0")}US`);
    const huge = fulfillmentPayload(order.id, { tracking_number: numbers[0], tracking_numbers: numbers, tracking_urls: [] });
    const bOrder = orderPayload({ id: newId(), name: "#3001" });
    const bFulfillment = fulfillmentPayload(bOrder.id, { name: "#3001.1", tracking_number: "1Z999AA10123456800", tracking_numbers: ["1Z999AA10123456800"], tracking_urls: [] });
    await send("orders/create", order, "huge-order");
    await send("orders/create", bOrder, "b-order", SHOP_B);
    await app.settle();

    const started = performance.now();
    await send("fulfillments/create", huge, "huge-fulfillment");
    await send("fulfillments/create", bFulfillment, "b-fulfillment", SHOP_B);
    await app.settle();
    const elapsedMs = performance.now() - started;

    const parked = await delivery("huge-fulfillment");
    expect(parked.status).toBe("failed");
    expect(parked.error).toMatch(/tracking_numbers: 30000 tracking numbers; a fulfillment lists at most 100/);
    expect(await shipmentsOf(huge.id)).toEqual([]);
    expect(await app.db.selectFrom("Fulfillment").select("fulfillmentId").where("fulfillmentId", "=", String(huge.id)).execute()).toEqual([]);
    expect(await delivery("b-fulfillment")).toEqual({ status: "processed", error: null });
    expect((await shipmentsOf(bFulfillment.id, SHOP_B)).map((s) => s.shipmentKey)).toEqual(["1Z999AA10123456800"]);
    // measured before the cap: about 15 s for the 30,000 shipments; now the parse refuses it
    expect(elapsedMs).toBeLessThan(3_000);
  });

  it("GIVEN exactly 100 tracking numbers THEN all are tracked; 101 are refused", async () => {
    const order = orderPayload({ id: newId(), name: "#2004" });
    const numbers = Array.from({ length: 101 }, (_, i) => `LN${String(i).padStart(9, "0")}CA`);
    const hundred = fulfillmentPayload(order.id, { tracking_number: numbers[0], tracking_numbers: numbers.slice(0, 100), tracking_urls: [] });
    const more = fulfillmentPayload(order.id, { tracking_number: numbers[0], tracking_numbers: numbers, tracking_urls: [] });
    await send("orders/create", order, "hundred-order");
    await send("fulfillments/create", hundred, "hundred");
    await send("fulfillments/create", more, "hundred-and-one");
    await app.settle();
    expect(await delivery("hundred")).toEqual({ status: "processed", error: null });
    expect(await shipmentsOf(hundred.id)).toHaveLength(100);
    expect((await delivery("hundred-and-one")).error).toMatch(/101 tracking numbers; a fulfillment lists at most 100/);
  });
});
