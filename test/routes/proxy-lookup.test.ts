import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { TRACK_TOKEN_MAX_LENGTH } from "~/.server/services/track-links";
import { fulfillmentPayload, newId, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

describe("GET /proxy/lookup (storefront contract)", () => {
  let app: TestApp;
  const orderA = orderPayload({ id: newId(), name: "#1001", email: "maya.chen@example.com" });
  const fulfillmentA = fulfillmentPayload(orderA.id, { name: "#1001.1", tracking_number: "1Z999AA10123456784" });
  // shop B has an order with the same name and email: it must never leak into shop A's answers
  const orderB = orderPayload({ id: newId(), name: "#1001", email: "maya.chen@example.com" });
  const fulfillmentB = fulfillmentPayload(orderB.id, { name: "#1001.1", tracking_number: "1Z12345E0205271688", tracking_company: "UPS" });

  beforeAll(async () => {
    // an hour after the parcel went out for delivery: nothing is late or silent yet
    app = await startTestApp({ clock: fixedClock("2026-11-04T14:00:00Z") });
    await app.sendWebhook("orders/create", orderA, { shop: SHOP_A });
    await app.sendWebhook("fulfillments/create", fulfillmentA, { shop: SHOP_A });
    for (const e of upsJourney(fulfillmentA.id, orderA.id).slice(0, 5)) await app.sendWebhook("fulfillment_events/create", e, { shop: SHOP_A });
    await app.sendWebhook("orders/create", orderB, { shop: SHOP_B });
    await app.sendWebhook("fulfillments/create", fulfillmentB, { shop: SHOP_B });
    await app.settle();
  });
  afterAll(async () => app?.close());

  it("GIVEN order name and email THEN 200 with the contract's shape, events newest first", async () => {
    const res = await fetch(app.proxyUrl({ order: "#1001", email: "Maya.Chen@Example.com " }));
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.order).toEqual({ name: "#1001" });
    expect(body.shipments).toHaveLength(1);
    const [shipment] = body.shipments;
    expect(shipment).toMatchObject({
      trackingNumber: "1Z999AA10123456784",
      carrier: { code: "ups", name: "UPS" },
      trackingUrl: "https://www.ups.com/track?tracknum=1Z999AA10123456784",
      status: "out_for_delivery",
      statusLabel: "Out for delivery",
      reason: null,
      lastEventAt: "2026-11-04T12:55:00.000Z",
    });
    // the contract's fields, and those added by "Shipment object, added fields"
    expect(Object.keys(shipment)).toEqual(
      expect.arrayContaining(["carrier", "estimatedDeliveryAt", "events", "lastEventAt", "reason", "status", "statusLabel", "trackingNumber", "trackingUrl", "estimatedDelivery", "attention", "items", "destination"]),
    );
    expect(shipment.attention).toBeNull();
    expect(shipment.destination).toEqual({ city: "Ottawa", province: "Ontario", country: "Canada" });
    expect(shipment.events.map((e: { status: string }) => e.status)).toEqual(["out_for_delivery", "in_transit", "in_transit", "picked_up", "label_created"]);
    expect(shipment.events[0]).toEqual({
      status: "out_for_delivery",
      reason: null,
      happenedAt: "2026-11-04T12:55:00.000Z",
      message: "Out For Delivery Today",
      location: "Ottawa, Ontario, Canada",
    });
  });

  it("accepts the order name without # and the tracking number in any case", async () => {
    const byName = await fetch(app.proxyUrl({ order: "1001", email: "maya.chen@example.com" }));
    const byTracking = await fetch(app.proxyUrl({ tracking: " 1z999aa10123456784" }));
    expect([byName.status, byTracking.status]).toEqual([200, 200]);
    expect((await byTracking.json()).order).toEqual({ name: "#1001" });
  });

  it("GIVEN an unknown order or a wrong email THEN the same 404 body", async () => {
    const unknown = await fetch(app.proxyUrl({ order: "#9999", email: "maya.chen@example.com" }));
    const wrongEmail = await fetch(app.proxyUrl({ order: "#1001", email: "someone.else@example.com" }));
    const unknownTracking = await fetch(app.proxyUrl({ tracking: "1Z999AA10000000000" }));
    expect([unknown.status, wrongEmail.status, unknownTracking.status]).toEqual([404, 404, 404]);
    const bodies = [await unknown.text(), await wrongEmail.text(), await unknownTracking.text()];
    expect(new Set(bodies)).toEqual(new Set(['{"error":"not_found"}']));
  });

  it("GIVEN shop B's tracking number asked through shop A's proxy THEN 404; through B's THEN only B's shipment", async () => {
    const crossShop = await fetch(app.proxyUrl({ tracking: "1Z12345E0205271688" }, { shop: SHOP_A }));
    expect(crossShop.status).toBe(404);
    const own = await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }, { shop: SHOP_B }));
    const body = await own.json();
    expect(body.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["1Z12345E0205271688"]);
  });

  it("GIVEN a message link (t) THEN the same answer as the order and its email", async () => {
    const t = app.container.trackLinks.token(SHOP_A, String(orderA.id), app.clock.now());
    const byLink = await fetch(app.proxyUrl({ t }));
    const byEmail = await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }));
    expect([byLink.status, byEmail.status]).toEqual([200, 200]);
    expect(byLink.headers.get("cache-control")).toBe("no-store");
    expect(await byLink.json()).toEqual(await byEmail.json());
  });

  it("GIVEN a tampered, expired, foreign, malformed or over-long link THEN the unknown order's 404", async () => {
    const links = app.container.trackLinks;
    const now = app.clock.now();
    const good = links.token(SHOP_A, String(orderA.id), now);
    const bad = [
      `${good.slice(0, -2)}AA`,
      links.token(SHOP_A, String(orderA.id), now - 400 * 86_400_000),
      links.token(SHOP_B, String(orderB.id), now),
      links.token(SHOP_B, String(orderA.id), now),
      "not-a-token",
      "x".repeat(TRACK_TOKEN_MAX_LENGTH + 1),
    ];
    for (const t of bad) {
      const res = await fetch(app.proxyUrl({ t }));
      expect(res.status, t).toBe(404);
      expect(await res.text()).toBe('{"error":"not_found"}');
    }
  });

  it("GIVEN a bad signature, a stale timestamp or no signature THEN 401", async () => {
    const forged = await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }, { secret: "wrong" }));
    const stale = await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }, { timestamp: Math.floor(app.clock.now() / 1000) - 600 }));
    const tampered = (await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }).replace("1Z999AA10123456784", "1Z12345E0205271688")));
    const unsigned = await fetch(`${app.url}/proxy/lookup?shop=${SHOP_A}&tracking=1Z999AA10123456784`);
    expect([forged.status, stale.status, tampered.status, unsigned.status]).toEqual([401, 401, 401, 401]);
  });

  it("GIVEN no query or over-long input THEN 400 with a clear message", async () => {
    const empty = await fetch(app.proxyUrl({}));
    const orderOnly = await fetch(app.proxyUrl({ order: "#1001" }));
    const long = await fetch(app.proxyUrl({ tracking: "9".repeat(200) }));
    expect([empty.status, orderOnly.status, long.status]).toEqual([400, 400, 400]);
    expect((await empty.json()).message).toMatch(/order and email, or tracking/);
  });
});

describe("GET /proxy/lookup rate limit (LOOKUP_RATE_LIMIT)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ env: { LOOKUP_RATE_LIMIT: "3" } });
  });
  afterAll(async () => app?.close());

  it("GIVEN more lookups than allowed per minute from one shopper THEN 429 with Retry-After; another shopper is not affected", async () => {
    // the shopper is the address Shopify's proxy appended (right-most); what the browser sent before it counts for nothing
    const ask = (ip: string) => fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }), { headers: { "x-forwarded-for": `203.0.113.250, ${ip}` } });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await ask("198.51.100.7")).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await ask("198.51.100.7");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await ask("203.0.113.9")).status).toBe(404);
    app.clock.advance(61_000);
    expect((await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }), { headers: { "x-forwarded-for": "198.51.100.7" } })).status).toBe(404);
  });
});
