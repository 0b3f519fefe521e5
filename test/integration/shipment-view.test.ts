import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createShipmentRepository } from "~/.server/adapters/shipments";
import { fixedClock } from "~/domain/clock";
import type { SupportShipmentView } from "~/.server/services/support-api";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The shipment object's added fields (ARCHITECTURE.md, "Shipment object, added fields"), built from a real
 * SQLite database fed by signed webhooks: the story, the attention, an estimate that never lies, the items
 * and the destination without its street.
 *
 * The clock stands on Monday 9 November 2026, 10:00 in New York (the shop's default zone). The stalled parcel
 * was last scanned on 3 November: more than 48 business hours of silence (a stalled case), less than ten
 * days (not lost). Its order was placed on Monday 2 November before the cutoff: the default promise (five
 * business days) is today, 9 November.
 */
const NOW = "2026-11-09T15:00:00Z";
const PASSED_ETA = "2026-11-05T00:00:00Z";

describe("shipment object: story, attention, estimate, items, destination", () => {
  let app: TestApp;
  const clock = fixedClock(NOW);
  const stalledOrder = orderPayload({ id: newId(), name: "#2001", customer_locale: "en-CA" });
  const stalled = fulfillmentPayload(stalledOrder.id, {
    id: newId(),
    name: "#2001.1",
    tracking_number: "1Z999AA10123456784",
    tracking_numbers: ["1Z999AA10123456784"],
    tracking_url: null,
    tracking_urls: [],
    line_items: [
      { id: 1, title: "Trail Runner 2", name: "Trail Runner 2 - 42 / Blue", quantity: 1, price: "170.00", sku: "TR2-42" },
      { id: 2, title: "Wool\u0000 socks\n(3 pack)", quantity: 3 },
      { id: 3, title: "x".repeat(500), quantity: 2 },
      // lines that make no sense are left out, they do not park the fulfillment
      { id: 4, title: "Gift card", quantity: 0 },
      { id: 5, quantity: 1 },
      "not a line",
    ],
  });
  const deliveredOrder = orderPayload({ id: newId(), name: "#2002" });
  const delivered = fulfillmentPayload(deliveredOrder.id, { id: newId(), name: "#2002.1", tracking_number: "1ZDELIVERED000001", tracking_numbers: ["1ZDELIVERED000001"] });
  const movingOrder = orderPayload({ id: newId(), name: "#2003", created_at: "2026-11-06T09:00:00-05:00", updated_at: "2026-11-06T09:00:00-05:00" });
  const moving = fulfillmentPayload(movingOrder.id, {
    id: newId(),
    name: "#2003.1",
    created_at: "2026-11-06T14:00:00-05:00",
    updated_at: "2026-11-06T14:00:00-05:00",
    tracking_number: "1ZMOVING000000001",
    tracking_numbers: ["1ZMOVING000000001"],
  });
  // shop B: the same tracking number as shop A's stalled parcel, delivered and without any case
  const otherShopOrder = orderPayload({ id: newId(), name: "#2001" });
  const otherShop = fulfillmentPayload(otherShopOrder.id, { id: newId(), name: "#2001.1", tracking_number: "1Z999AA10123456784", tracking_numbers: ["1Z999AA10123456784"] });

  const event = (f: { id: number; order_id: number }, status: string, happened_at: string, extra: Record<string, unknown> = {}) =>
    fulfillmentEventPayload(f.id, f.order_id, { id: newId(), status, happened_at, message: status, city: "Ottawa", province: "Ontario", country: "Canada", ...extra });

  beforeAll(async () => {
    app = await startTestApp({ clock });
    const send = (topic: string, payload: unknown, shop = SHOP_A) => app.sendWebhook(topic, payload, { shop });
    for (const [order, f] of [[stalledOrder, stalled], [deliveredOrder, delivered], [movingOrder, moving]] as const) {
      await send("orders/create", order);
      await send("fulfillments/create", f);
    }
    await send("fulfillment_events/create", event(stalled, "carrier_picked_up", "2026-11-02T18:30:00-05:00", { city: "Mississauga" }));
    await send("fulfillment_events/create", event(stalled, "in_transit", "2026-11-03T09:40:00-05:00", { estimated_delivery_at: PASSED_ETA }));
    await send("fulfillment_events/create", event(delivered, "in_transit", "2026-11-08T09:40:00-05:00", { estimated_delivery_at: "2026-11-10T00:00:00Z" }));
    await send("fulfillment_events/create", event(moving, "in_transit", "2026-11-09T08:00:00-05:00", { estimated_delivery_at: "2026-11-11T00:00:00Z" }));
    await send("orders/create", otherShopOrder, SHOP_B);
    await send("fulfillments/create", otherShop, SHOP_B);
    await send("fulfillment_events/create", event(otherShop, "delivered", "2026-11-04T13:21:00-05:00"), SHOP_B);
    await app.settle();
  });
  afterAll(async () => app?.close());

  const byTracking = async (shop: string, tracking: string): Promise<SupportShipmentView> => {
    const [view] = await app.container.services.supportApi.shipments(shop, { tracking });
    expect(view, `${shop} ${tracking}`).toBeDefined();
    return view!;
  };
  const record = async (shop: string, tracking: string) =>
    (await app.db.selectFrom("Shipment").select("id").where("shop", "=", shop).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow()).id;

  it("GIVEN a stalled parcel with an open stalled case THEN attention is set, the label is not progress, the story names the carrier and the last scan", async () => {
    const open = await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", SHOP_A).where("orderName", "=", "#2001").execute();
    expect(open).toContainEqual({ type: "stalled", status: "open" });
    expect(open.map((c) => c.type)).not.toContain("lost");

    const view = await byTracking(SHOP_A, "1Z999AA10123456784");
    expect(view.status).toBe("in_transit");
    expect(view.statusLabel).not.toBe("On its way");
    expect(view.statusLabel).toBe("Delayed");
    expect(view.attention).not.toBeNull();
    // the trouble began with the last news of the parcel
    expect(view.attention!.since).toBe("2026-11-03T14:40:00.000Z");
    expect(view.story.headline).toBe("Waiting for news from UPS");
    expect(view.story.explanation).toBe("No update from UPS since November 3.");
    expect(view.attention!.message).toContain("No update from UPS since November 3.");
    expect(view.story.next).toMatch(/^We have asked UPS to trace it and will write to you by /);
  });

  it("GIVEN a passed carrier ETA THEN the promise replaces it, and once the promise passed too, nothing: never a passed date", async () => {
    const view = await byTracking(SHOP_A, "1Z999AA10123456784");
    expect(view.estimatedDelivery).toEqual({ earliest: "2026-11-09", latest: "2026-11-09", source: "promise" });
    // the end of 9 November in Ottawa (Eastern time)
    expect(view.estimatedDeliveryAt).toBe("2026-11-10T04:59:59.999Z");

    clock.set("2026-11-12T15:00:00Z");
    try {
      const later = await byTracking(SHOP_A, "1Z999AA10123456784");
      expect(later.estimatedDelivery).toBeNull();
      expect(later.estimatedDeliveryAt).toBeNull();
    } finally {
      clock.set(NOW);
    }
  });

  it("GIVEN a parcel delivered after its estimate was shown THEN that estimate stays on record, and the story tells the delivery", async () => {
    const before = await byTracking(SHOP_A, "1ZDELIVERED000001");
    expect(before.estimatedDelivery).toEqual({ earliest: "2026-11-10", latest: "2026-11-10", source: "carrier" });
    // the carrier drops its date once delivered: the estimate the shopper saw is the record, not the promise
    await app.sendWebhook("fulfillment_events/create", event(delivered, "delivered", "2026-11-09T09:21:00-05:00"), { shop: SHOP_A });
    await app.settle();
    const view = await byTracking(SHOP_A, "1ZDELIVERED000001");
    expect(view.status).toBe("delivered");
    expect(view.estimatedDelivery).toEqual({ earliest: "2026-11-10", latest: "2026-11-10", source: "carrier" });
    expect(view.attention).toBeNull();
    expect(view.story.headline).toBe("Delivered on November 9");
  });

  it("lists the parcel's items (title and quantity, cleaned and capped) and where it goes, never the street", async () => {
    const view = await byTracking(SHOP_A, "1Z999AA10123456784");
    expect(view.items).toEqual([
      { title: "Trail Runner 2 - 42 / Blue", quantity: 1 },
      { title: "Wool socks (3 pack)", quantity: 3 },
      { title: `${"x".repeat(120)}…`, quantity: 2 },
    ]);
    expect(view.destination).toEqual({ city: "Ottawa", province: "Ontario", country: "Canada" });
    const json = JSON.stringify(view);
    for (const personal of ["Elgin", "K1P", "Maya", "+1613", "maya.chen"]) expect(json).not.toContain(personal);
    // the storefront lookup answers with the same object
    const lookup = await app.container.services.lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10123456784" }, clock.now());
    // support's extras (the order's name, its cases, messages, promise and lookups) are not the shopper's
    const { orderName: _name, cases: _cases, messages: _messages, promisedBy: _promise, lookups: _lookups, ...asShopperSees } = view;
    expect(lookup.found && lookup.shipments[0]).toEqual(asShopperSees);
  });

  it("GIVEN the estimate moves later THEN the story says so, and keeps saying it", async () => {
    const first = await byTracking(SHOP_A, "1ZMOVING000000001");
    expect(first.estimatedDelivery).toEqual({ earliest: "2026-11-11", latest: "2026-11-11", source: "carrier" });
    expect(first.story.headline).toBe("Arriving Wednesday, November 11");
    expect(first.story.explanation).not.toContain("was");

    await app.sendWebhook("fulfillment_events/create", event(moving, "in_transit", "2026-11-09T09:30:00-05:00", { estimated_delivery_at: "2026-11-13T00:00:00Z" }), { shop: SHOP_A });
    await app.settle();
    for (let look = 0; look < 2; look++) {
      const moved = await byTracking(SHOP_A, "1ZMOVING000000001");
      expect(moved.estimatedDelivery).toEqual({ earliest: "2026-11-13", latest: "2026-11-13", source: "carrier" });
      expect(moved.story.explanation).toContain("Now expected November 13, was November 11.");
    }
    const stored = await app.db.selectFrom("Shipment").select("shownEstimate").where("shop", "=", SHOP_A).where("shipmentKey", "=", "1ZMOVING000000001").executeTakeFirstOrThrow();
    expect(JSON.parse(stored.shownEstimate!)).toEqual({
      current: { earliest: "2026-11-13", latest: "2026-11-13", source: "carrier" },
      was: { earliest: "2026-11-11", latest: "2026-11-11", source: "carrier" },
    });
  });

  it("a shop never sees another shop's cases: the same tracking number in shop B reads delivered and calm, and shop A's case is not read for B", async () => {
    const b = await byTracking(SHOP_B, "1Z999AA10123456784");
    expect(b).toMatchObject({ status: "delivered", attention: null, statusLabel: "Delivered" });
    // even handed shop A's shipment row, shop B's read finds none of A's cases
    const aRecord = await app.container.services.lookup.views(SHOP_A, [await shipmentRecord(SHOP_A, "1Z999AA10123456784")]);
    expect(aRecord[0]!.attention).not.toBeNull();
    const asB = await app.container.services.lookup.views(SHOP_B, [await shipmentRecord(SHOP_A, "1Z999AA10123456784")]);
    expect(asB[0]!.attention).toBeNull();
  });

  async function shipmentRecord(shop: string, key: string) {
    return (await createShipmentRepository(app.container.database).getShipment(shop, await record(shop, key)))!;
  }

  it("GIVEN customers/redact THEN the parcel shows its region, no city", async () => {
    const res = await app.sendWebhook("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: stalledOrder.customer, orders_to_redact: [stalledOrder.id] }, { shop: SHOP_A });
    expect(res.status).toBe(200);
    await app.settle();
    const view = await byTracking(SHOP_A, "1Z999AA10123456784");
    expect(view.destination).toEqual({ city: null, province: "Ontario", country: "Canada" });
    // the rest of the story stands
    expect(view.items).toHaveLength(3);
    expect(view.attention).not.toBeNull();
  });
});
