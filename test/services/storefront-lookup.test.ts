import { describe, expect, it } from "vitest";
import type { ShipmentRecord } from "~/.server/ports";
import { createStorefrontLookup } from "~/.server/services/storefront-lookup";
import { createTrackLinks } from "~/.server/services/track-links";
import { fixedClock } from "~/domain/clock";
import { createFakeStorage } from "./fakes/storage";

/**
 * The shopper's lookup over in-memory ports and real track links: who finds what, and that every kind of
 * not-found is the same answer. The signed HTTP side is test/routes/proxy-lookup.test.ts's.
 */
const SHOP_A = "alpha-goods.myshopify.com";
const SHOP_B = "bravo-outfitters.myshopify.com";
const NOW = Date.parse("2026-11-22T15:00:00Z");
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ORDER_ID = "5600000000101";
const EMAIL = "Pat.Shopper@example.com";

function lookupOverFakes() {
  const clock = fixedClock(NOW);
  const storage = createFakeStorage();
  const links = createTrackLinks(["shpss_test_secret"]);
  const lookup = createStorefrontLookup({ orders: storage.orders, shipments: storage.shipments, links, cases: storage.cases, shopZone: async () => "America/Toronto", clock });

  function order(shop: string, fields: { orderId?: string; name?: string; email?: string | null; redactedAt?: number | null } = {}) {
    storage.tables.addOrder(shop, {
      orderId: fields.orderId ?? ORDER_ID,
      name: fields.name ?? "#1001",
      email: fields.email === undefined ? EMAIL : fields.email,
      phone: null,
      customerId: "7001",
      customerName: "Pat Shopper",
      customerTags: [],
      orderTags: [],
      totalPrice: 80,
      currency: "CAD",
      shippingLines: [{ code: "standard", title: "Standard", source: "shopify" }],
      destination: { name: "Pat Shopper", address1: "12 Elm St", city: "Ottawa", province: "Ontario", provinceCode: "ON", zip: "K1A 0B1", country: "Canada", countryCode: "CA", phone: null },
      locale: "en",
      createdAt: NOW - 5 * DAY,
      updatedAt: NOW - 5 * DAY,
      cancelledAt: null,
      redactedAt: fields.redactedAt ?? null,
      fulfillmentStatus: null,
      closedAt: null,
      waitingLines: [],
    });
  }

  /** a parcel of the order with two events, the newest a scan in Ottawa */
  function parcel(shop: string, tracking: string, fields: Partial<ShipmentRecord> = {}): ShipmentRecord {
    const orderId = fields.orderId ?? ORDER_ID;
    const fulfillmentId = `f-${tracking}`;
    storage.tables.addFulfillment(shop, {
      fulfillmentId,
      orderId,
      name: "#1001.1",
      status: "success",
      shipmentStatus: null,
      service: null,
      trackingCompany: "UPS",
      trackingNumbers: [tracking],
      trackingUrls: [],
      destinationCountry: "CA",
      destinationProvince: "ON",
      originCountry: null,
      originProvince: null,
      destination: { city: "Ottawa", province: "Ontario", provinceCode: "ON", country: "Canada", countryCode: "CA", address1: "12 Elm St" },
      items: [{ title: "Wool socks", quantity: 2 }],
      createdAt: NOW - 3 * DAY,
      updatedAt: NOW - 3 * DAY,
    });
    for (const [at, status, message] of [
      [NOW - 2 * DAY, "picked_up", "Picked up"],
      [NOW - 2 * HOUR, "in_transit", "Arrived at facility"],
    ] as const) {
      storage.tables.addEvent(shop, {
        eventKey: `${tracking}-${at}`,
        fulfillmentId,
        orderId,
        source: "shopify",
        rawStatus: status,
        rawMessage: message,
        status,
        reason: null,
        previousStatus: null,
        happenedAt: at,
        estimatedDeliveryAt: null,
        location: "Ottawa, ON, CA",
        receivedAt: at,
        deletedAt: null,
      });
    }
    return storage.tables.addShipment({
      shop,
      shipmentKey: tracking,
      fulfillmentId,
      orderId,
      orderName: "#1001",
      trackingNumber: tracking,
      carrierCode: "ups",
      carrierName: "UPS",
      carrierSource: "shopify",
      trackingUrl: `https://www.ups.com/track?tracknum=${tracking}`,
      service: null,
      status: "in_transit",
      reason: null,
      statusChangedAt: NOW - 2 * HOUR,
      lastEventAt: NOW - 2 * HOUR,
      lastCarrierScanAt: NOW - 2 * HOUR,
      firstCarrierScanAt: NOW - 2 * DAY,
      estimatedDeliveryAt: null,
      deliveredAt: null,
      deliveryAttempts: 0,
      eventCount: 2,
      destinationCountry: "CA",
      destinationProvince: "ON",
      originCountry: null,
      originProvince: null,
      shippedAt: NOW - 3 * DAY,
      promisedBy: null,
      nextCheckAt: null,
      lookupCount: 0,
      lastLookedUpAt: null,
      shownEstimate: null,
      firstEstimate: null,
      firstAskedAt: null,
      firstCaseAt: null,
      recentLookups: [],
      rolledUp: 0,
      cancelledAt: null,
      supersededAt: null,
      createdAt: NOW - 3 * DAY,
      updatedAt: NOW - 2 * HOUR,
      ...fields,
    });
  }
  return { clock, storage, links, lookup, order, parcel };
}

const NOT_FOUND = { found: false };

describe("storefront lookup (in-memory ports)", () => {
  it("order name and email find the order's parcels: events newest first, what is in them, where they go (no street)", async () => {
    const { lookup, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784");
    const result = await lookup.lookup(SHOP_A, { kind: "order", order: "1001", email: "  pat.shopper@EXAMPLE.com " }, NOW);
    expect(result).toMatchObject({ found: true, order: { name: "#1001" } });
    if (!result.found) return;
    expect(result.shipments).toHaveLength(1);
    const [shipment] = result.shipments;
    expect(shipment).toMatchObject({
      trackingNumber: "1Z999AA10123456784",
      carrier: { code: "ups", name: "UPS" },
      status: "in_transit",
      reason: null,
      lastEventAt: new Date(NOW - 2 * HOUR).toISOString(),
      attention: null,
      items: [{ title: "Wool socks", quantity: 2 }],
      destination: { city: "Ottawa", province: "Ontario", country: "Canada" },
    });
    expect(shipment!.events.map((e) => [e.status, e.message])).toEqual([
      ["in_transit", "Arrived at facility"],
      ["picked_up", "Picked up"],
    ]);
    expect(JSON.stringify(result)).not.toContain("Elm St");
  });

  it("a wrong email, an unknown order and another shop's order are the same not-found", async () => {
    const { lookup, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784");
    expect(await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: "someone.else@example.com" }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_A, { kind: "order", order: "#9999", email: EMAIL }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_B, { kind: "order", order: "#1001", email: EMAIL }, NOW)).toEqual(NOT_FOUND);
  });

  it("an order with no email on file is found by nobody's email", async () => {
    const { lookup, order, parcel } = lookupOverFakes();
    order(SHOP_A, { email: null });
    parcel(SHOP_A, "1Z999AA10123456784");
    expect(await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: "no-order@shipwatch.invalid" }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: "" }, NOW)).toEqual(NOT_FOUND);
  });

  it("a tracking number finds its parcel however it is typed, in its own shop only", async () => {
    const { lookup, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784");
    const result = await lookup.lookup(SHOP_A, { kind: "tracking", tracking: " 1z999aa1 0123456784 " }, NOW);
    expect(result).toMatchObject({ found: true, order: { name: "#1001" }, shipments: [{ trackingNumber: "1Z999AA10123456784" }] });
    expect(await lookup.lookup(SHOP_B, { kind: "tracking", tracking: "1Z999AA10123456784" }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10000000000" }, NOW)).toEqual(NOT_FOUND);
  });

  it("a parcel replaced by a corrected tracking number is not shown, by order or by its old number", async () => {
    const { lookup, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784", { supersededAt: NOW - DAY });
    parcel(SHOP_A, "1Z999AA10123456792");
    const byOrder = await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: EMAIL }, NOW);
    expect(byOrder.found && byOrder.shipments.map((s) => s.trackingNumber)).toEqual(["1Z999AA10123456792"]);
    expect(await lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10123456784" }, NOW)).toEqual(NOT_FOUND);
  });

  it("an open case the shopper would notice sets attention, and the label stops reading as plain progress", async () => {
    const { lookup, order, parcel, storage } = lookupOverFakes();
    order(SHOP_A);
    const shipment = parcel(SHOP_A, "1Z999AA10123456784", { status: "exception", reason: "damaged" });
    await storage.evaluations.apply(SHOP_A, [{ shipment, changes: damagedCase(NOW - HOUR) }], NOW - HOUR);
    const result = await lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10123456784" }, NOW);
    if (!result.found) throw new Error("expected the parcel to be found");
    // the trouble began with the parcel's last news, not when the case was opened
    expect(result.shipments[0]!.attention).toMatchObject({ since: new Date(NOW - 2 * HOUR).toISOString() });
    expect(result.shipments[0]!.attention!.message).not.toBe("");
    expect(result.shipments[0]!.statusLabel).not.toBe("On its way");
  });

  it("a message link's token answers like order and email; a tampered or other shop's token is not-found", async () => {
    const { lookup, links, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784");
    const token = links.token(SHOP_A, ORDER_ID, NOW - DAY);
    expect(await lookup.lookup(SHOP_A, { kind: "token", token }, NOW)).toMatchObject({ found: true, order: { name: "#1001" } });
    const tampered = `${token.slice(0, -2)}${token.endsWith("AA") ? "BB" : "AA"}`;
    expect(await lookup.lookup(SHOP_A, { kind: "token", token: tampered }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_B, { kind: "token", token }, NOW)).toEqual(NOT_FOUND);
    expect(await lookup.lookup(SHOP_A, { kind: "token", token: links.token(SHOP_B, ORDER_ID, NOW) }, NOW)).toEqual(NOT_FOUND);
  });

  it("a link stops answering 90 days after the order's last delivery", async () => {
    const { lookup, links, order, parcel } = lookupOverFakes();
    order(SHOP_A);
    parcel(SHOP_A, "1Z999AA10123456784", { status: "delivered", deliveredAt: NOW - 10 * DAY });
    const token = links.token(SHOP_A, ORDER_ID, NOW - 11 * DAY);
    expect(await lookup.lookup(SHOP_A, { kind: "token", token }, NOW)).toMatchObject({ found: true });
    // judged at each ask, not when the answer was remembered
    expect(await lookup.lookup(SHOP_A, { kind: "token", token }, NOW - 10 * DAY + 91 * DAY)).toEqual(NOT_FOUND);
  });

  it("a redacted customer's parcel shows its region, no city", async () => {
    const { lookup, links, order, parcel } = lookupOverFakes();
    order(SHOP_A, { redactedAt: NOW - DAY });
    parcel(SHOP_A, "1Z999AA10123456784");
    const result = await lookup.lookup(SHOP_A, { kind: "token", token: links.token(SHOP_A, ORDER_ID, NOW) }, NOW);
    expect(result.found && result.shipments[0]!.destination).toEqual({ city: null, province: "Ontario", country: "Canada" });
  });

  it("each answered lookup is counted on the parcels it showed; a not-found counts nothing", async () => {
    const { lookup, order, parcel, storage } = lookupOverFakes();
    order(SHOP_A);
    const first = parcel(SHOP_A, "1Z999AA10123456784");
    const second = parcel(SHOP_A, "1Z999AA10123456792");
    await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: EMAIL }, NOW);
    await lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10123456784" }, NOW + 1_000);
    await lookup.lookup(SHOP_A, { kind: "order", order: "#1001", email: "wrong@example.com" }, NOW + 2_000);
    await lookup.flushLookupCounts();
    expect(storage.tables.shipment(SHOP_A, first.id)).toMatchObject({ lookupCount: 2, lastLookedUpAt: NOW + 1_000 });
    expect(storage.tables.shipment(SHOP_A, second.id)).toMatchObject({ lookupCount: 1, lastLookedUpAt: NOW });
  });
});

/** what the exception desk writes for a damaged parcel, as the evaluation store receives it */
function damagedCase(at: number) {
  return {
    open: [
      {
        type: "damaged" as const,
        owner: "fulfillment" as const,
        priority: "high" as const,
        slaHours: 24,
        rule: { id: 1, name: "Damaged in transit" },
        reason: "Damaged in transit: reason damaged (Damaged)",
        checks: [],
        dueAt: at + 24 * HOUR,
        holdMessages: false,
        openedOnState: "exception|",
      },
    ],
    raise: [],
    resolve: [],
    intents: [],
    nextCheckAt: null,
    promisedBy: null,
  };
}
