import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loader as shipmentPageLoader } from "~/routes/app.shipments.$id";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 6: a tracking URL is a link the merchant, the shopper and a helpdesk agent click. Only https
 * links leave Shipwatch: checked when a fulfillment's URL is stored, and again whenever one is handed out, for
 * rows stored before the check existed.
 */

const ups = (n: string) => `https://www.ups.com/track?tracknum=${n}`;

/** Merchant-supplied tracking URLs that must never come back as links, each on its own order. */
const HOSTILE = [
  { name: "#3001", tracking: "1Z999AA10123456784", url: "javascript:alert(1)" },
  { name: "#3002", tracking: "1Z999AA10123456785", url: " JavaScript:alert(document.cookie)" },
  { name: "#3003", tracking: "1Z999AA10123456786", url: "java\tscript:alert(1)" },
  { name: "#3004", tracking: "1Z999AA10123456787", url: "data:text/html,<script>alert(1)</script>" },
  { name: "#3005", tracking: "1Z999AA10123456788", url: "http://tracking.example.com/1Z999AA10123456788" },
  { name: "#3006", tracking: "1Z999AA10123456789", url: "https://ups.com@evil.example/track" },
] as const;
const KEPT = { name: "#3007", tracking: "1Z999AA10123456790", url: "https://track.example.com/p/1Z999AA10123456790" };
/** rows whose bad URL is already in the database (stored before the check existed) */
const STORED = [
  { name: "#3008", tracking: "1Z999AA10123456791", url: "javascript:alert(document.domain)" },
  { name: "#3009", tracking: "1Z999AA10123456792", url: "http://tracking.example.com/x" },
] as const;

const email = (name: string) => `buyer${name.slice(1)}@example.com`;

describe("tracking URLs: only https links leave Shipwatch", () => {
  let app: TestApp;
  let key: string;
  const supportApi = async (tracking: string) => {
    const res = await fetch(`${app.url}/api/v1/shipments?tracking=${tracking}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    return ((await res.json()) as { shipments: { trackingUrl: string | null }[] }).shipments[0]!.trackingUrl;
  };
  const storefront = async (order: string) => {
    const res = await fetch(app.proxyUrl({ order, email: email(order) }));
    expect(res.status).toBe(200);
    return ((await res.json()) as { shipments: { trackingUrl: string | null }[] }).shipments[0]!.trackingUrl;
  };
  const adminPage = async (tracking: string) => {
    const { id } = await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_A).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
    // the page's loader with the real services; only Shopify's admin authentication is stood in for
    const context = { shipwatch: { ...app.container, shopify: { authenticate: { admin: async () => ({ session: { shop: SHOP_A } }) } } } };
    const data = await shipmentPageLoader({ request: new Request(`https://shipwatch.test/app/shipments/${id}`), params: { id: String(id) }, context } as never);
    return (data as { shipment: { trackingUrl: string | null } }).shipment.trackingUrl;
  };

  beforeAll(async () => {
    app = await startTestApp();
    for (const { name, tracking, url } of [...HOSTILE, KEPT, ...STORED]) {
      const order = orderPayload({ id: newId(), name, email: email(name) });
      const parcel = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: url, tracking_urls: [url] });
      expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
      expect((await app.sendWebhook("fulfillments/create", parcel)).status).toBe(200);
    }
    await app.settle();
    key = (await app.container.services.supportApi.createKey(SHOP_A, "Helpdesk")).key;
  });
  afterAll(async () => app?.close());

  it.each(HOSTILE)("GIVEN a fulfillment whose tracking URL is $url THEN the carrier's own https page is stored and handed out", async ({ name, tracking }) => {
    const stored = await app.db.selectFrom("Shipment").select("trackingUrl").where("shop", "=", SHOP_A).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
    expect(stored.trackingUrl).toBe(ups(tracking));
    expect(await supportApi(tracking)).toBe(ups(tracking));
    expect(await storefront(name)).toBe(ups(tracking));
  });

  it("GIVEN a merchant's own https tracking page THEN it is kept", async () => {
    expect(await supportApi(KEPT.tracking)).toBe(KEPT.url);
    expect(await storefront(KEPT.name)).toBe(KEPT.url);
    expect(await adminPage(KEPT.tracking)).toBe(KEPT.url);
  });

  it.each(STORED)("GIVEN a row already stored with $url THEN no answer and no admin page links to it", async ({ name, tracking, url }) => {
    await app.db.updateTable("Shipment").set({ trackingUrl: url }).where("shop", "=", SHOP_A).where("shipmentKey", "=", tracking).execute();
    expect(await supportApi(tracking)).toBeNull();
    expect(await storefront(name)).toBeNull();
    expect(await adminPage(tracking)).toBeNull();
  });
});
