import { getJwt } from "@shopify/shopify-api/test-helpers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * GET /api/customer-account/shipments — the order status page extension's data, behind
 * authenticate.public.customerAccount. Tokens are signed here exactly as Shopify signs customer account session
 * tokens: HS256 with the app secret, `dest` the shop's domain, `sub` the signed-in customer's gid.
 */

// customer accounts call from the shopper's browser; authenticate.* turns self-declared bots away with 410
const BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
const EXTENSION_ORIGIN = "https://extensions.shopifycdn.com";

const maya = orderPayload({ id: 5_620_000_001, name: "#1001", email: "maya.chen@example.com" }); // customer 7100000001
const parcelOne = fulfillmentPayload(maya.id, { id: 4_620_000_011, name: "#1001.1", tracking_number: "1Z999AA10123456784", tracking_numbers: ["1Z999AA10123456784"] });
const parcelTwo = fulfillmentPayload(maya.id, { id: 4_620_000_012, name: "#1001.2", tracking_company: "Canada Post", tracking_number: "7023210039414604", tracking_numbers: ["7023210039414604"], tracking_url: null, tracking_urls: [] });
const jordan = orderPayload({ id: 5_620_000_002, name: "#1002", email: "jordan.lee@example.com", customer: { id: 7_100_000_002, email: "jordan.lee@example.com", first_name: "Jordan", last_name: "Lee", tags: "" } });
const jordanParcel = fulfillmentPayload(jordan.id, { id: 4_620_000_021, name: "#1002.1", tracking_number: "1Z12345E0205271688", tracking_numbers: ["1Z12345E0205271688"] });
// the same customer id and order name in another shop: it must never answer for shop A
const otherShopOrder = orderPayload({ id: 5_620_000_009, name: "#1001", email: "maya.chen@example.com" });

const gid = (type: string, id: number) => `gid://shopify/${type}/${id}`;

async function customerToken(options: { shop?: string; customer?: number | null; secret?: string; expiresIn?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const { token } = await getJwt(options.shop ?? SHOP_A, TEST_API_KEY, options.secret ?? TEST_SECRET, {
    // what a customer account extension's token carries (shopify.dev, customer account UI extensions: Session Token API)
    dest: options.shop ?? SHOP_A,
    sub: options.customer === null ? undefined : gid("Customer", options.customer ?? 7_100_000_001),
    exp: now + (options.expiresIn ?? 300),
    nbf: now - 5,
    iat: now - 5,
  });
  return token;
}

describe("GET /api/customer-account/shipments (order status page extension)", () => {
  let app: TestApp;
  const ask = (query: Record<string, string>, token?: string, init: RequestInit = {}) =>
    fetch(`${app.url}/api/customer-account/shipments?${new URLSearchParams(query)}`, {
      ...init,
      headers: { "user-agent": BROWSER, origin: EXTENSION_ORIGIN, ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string>) },
    });

  beforeAll(async () => {
    app = await startTestApp({ remix: true });
    const send = async (topic: string, payload: unknown, shop = SHOP_A) => expect((await app.sendWebhook(topic, payload, { shop })).status).toBe(200);
    for (const order of [maya, jordan]) await send("orders/create", order);
    for (const f of [parcelOne, parcelTwo, jordanParcel]) await send("fulfillments/create", f);
    for (const e of upsJourney(parcelOne.id, maya.id).slice(0, 4)) await send("fulfillment_events/create", e);
    await send("fulfillment_events/create", fulfillmentEventPayload(parcelTwo.id, maya.id, { status: "delivered", message: "Delivered to your community mailbox", happened_at: "2026-11-04T13:42:00-05:00", city: "Ottawa" }));
    await send("orders/create", otherShopOrder, SHOP_B);
    await app.settle();
  });
  afterAll(async () => app?.close());

  it("GIVEN the customer's own order THEN the storefront lookup's shipment objects, every parcel, with CORS for the extension", async () => {
    const res = await ask({ order: gid("Order", maya.id) }, await customerToken());
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.json();
    expect(body.order).toEqual({ name: "#1001" });
    expect(body.shipments.map((s: { trackingNumber: string; status: string }) => [s.trackingNumber, s.status])).toEqual([
      ["1Z999AA10123456784", "in_transit"],
      ["7023210039414604", "delivered"],
    ]);
    // the added fields the extension shows: the story's headline, the attention, the estimate; where, never the street
    for (const shipment of body.shipments) {
      expect(shipment).toMatchObject({ story: { headline: expect.any(String), explanation: expect.any(String), next: expect.any(String) }, items: expect.any(Array) });
      expect(shipment).toHaveProperty("attention");
      expect(shipment).toHaveProperty("estimatedDelivery");
      expect(shipment.destination).toEqual({ city: "Ottawa", province: "Ontario", country: "Canada" });
    }
    expect(JSON.stringify(body)).not.toContain("Elgin");
    // exactly what support and the tracking page see
    const storefront = await (await fetch(app.proxyUrl({ order: "#1001", email: "maya.chen@example.com" }))).json();
    expect(body).toEqual(storefront);
  });

  it("GIVEN a fulfillment (the fulfillment-details target) THEN only that fulfillment's parcels", async () => {
    const res = await ask({ order: gid("Order", maya.id), fulfillment: gid("Fulfillment", parcelTwo.id) }, await customerToken());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["7023210039414604"]);
    expect(body.shipments[0].events[0]).toMatchObject({ status: "delivered", location: "Ottawa, Ontario, Canada" });
  });

  it("GIVEN no token, a forged one or an expired one THEN 401, and nothing read", async () => {
    const query = { order: gid("Order", maya.id) };
    const none = await ask(query);
    const forged = await ask(query, await customerToken({ secret: "not-the-app-secret" }));
    const expired = await ask(query, await customerToken({ expiresIn: -120 }));
    expect([none.status, forged.status, expired.status]).toEqual([401, 401, 401]);
    expect(await none.text()).toBe("");
  });

  it("GIVEN another customer's order, or a token for another shop THEN the same 404", async () => {
    const otherCustomer = await ask({ order: gid("Order", jordan.id) }, await customerToken());
    // shop B's token naming shop A's order, and shop A's token naming shop B's order
    const otherShop = await ask({ order: gid("Order", maya.id) }, await customerToken({ shop: SHOP_B }));
    const crossShop = await ask({ order: gid("Order", otherShopOrder.id) }, await customerToken());
    const unknown = await ask({ order: gid("Order", 5_620_999_999) }, await customerToken());
    expect([otherCustomer.status, otherShop.status, crossShop.status, unknown.status]).toEqual([404, 404, 404, 404]);
    const bodies = new Set([await otherCustomer.text(), await otherShop.text(), await crossShop.text(), await unknown.text()]);
    expect(bodies).toEqual(new Set(['{"error":"not_found"}']));
    expect(otherCustomer.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("GIVEN a token without a customer (no protected customer data access yet) THEN 403 that says so", async () => {
    const res = await ask({ order: gid("Order", maya.id) }, await customerToken({ customer: null }));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: "customer_required", message: "the session token names no customer" });
  });

  it("GIVEN no order or a malformed id THEN 400", async () => {
    const token = await customerToken();
    const statuses = [];
    const queries: Record<string, string>[] = [{}, { order: "gid://shopify/Product/1" }, { order: gid("Order", maya.id), fulfillment: "42; drop table" }];
    for (const query of queries) statuses.push((await ask(query, token)).status);
    expect(statuses).toEqual([400, 400, 400]);
  });

  it("answers the CORS preflight the extension's fetch sends", async () => {
    const res = await fetch(`${app.url}/api/customer-account/shipments`, {
      method: "OPTIONS",
      headers: { "user-agent": BROWSER, origin: EXTENSION_ORIGIN, "access-control-request-method": "GET", "access-control-request-headers": "authorization" },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(res.headers.get("access-control-allow-headers")).toMatch(/Authorization/);
  });

  it("viewing the order status page is not counted as a storefront lookup", async () => {
    const counts = async () =>
      (await app.container.services.lookup.flushLookupCounts(), await app.db.selectFrom("Shipment").select(["trackingNumber", "lookupCount"]).where("shop", "=", SHOP_A).where("orderId", "=", String(maya.id)).orderBy("id").execute()).map((r) => r.lookupCount);
    const before = await counts();
    expect((await ask({ order: gid("Order", maya.id) }, await customerToken())).status).toBe(200);
    expect(await counts()).toEqual(before);
    expect((await fetch(app.proxyUrl({ tracking: "1Z999AA10123456784" }))).status).toBe(200);
    expect(await counts()).toEqual([before[0]! + 1, before[1]!]);
  });
});
