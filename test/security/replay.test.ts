import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Issue 13, item 3: Shopify signs the body, not the headers. A body signed for one shop and topic can be
 * replayed with another shop's X-Shopify-Shop-Domain or another X-Shopify-Topic; before acting, the body must
 * agree with the headers, and a destructive topic must fit the shop's lifecycle. A disagreement is stored,
 * refused (parked as failed, with the reason) and changes nothing.
 */

const maya = { id: 7_100_000_001, email: "maya.chen@example.com", phone: "+16135550123" };
const mayaInA = orderPayload({ id: newId(), name: "#4001" });
const mayaInB = orderPayload({ id: newId(), name: "#4001" });
const parcelInB = fulfillmentPayload(mayaInB.id, { name: "#4001.1", tracking_number: "1Z999AA10123456784" });

/** customers/redact as Shopify sends it for shop A: signed, so any copy of it verifies */
const redactMayaInA = { shop_id: 1, shop_domain: SHOP_A, customer: maya, orders_to_redact: [mayaInA.id] };

/** rows per table for a shop, except the delivery log and the job queue (a refused delivery is stored) */
async function footprint(app: TestApp, shop: string) {
  const tables = ["Order", "Fulfillment", "Shipment", "ShipmentEvent", "EscalationRule", "ShopSettings", "Session", "Shop", "RedactedCustomerKey"] as const;
  const counts: Record<string, number> = {};
  for (const table of tables) counts[table] = (await app.db.selectFrom(table).select("shop").where("shop", "=", shop).execute()).length;
  const orders = await app.db.selectFrom("Order").select(["orderId", "email", "customerName", "redactedAt"]).where("shop", "=", shop).orderBy("orderId").execute();
  const shopRow = await app.db.selectFrom("Shop").select(["uninstalledAt"]).where("shop", "=", shop).executeTakeFirst();
  return { counts, orders, shopRow };
}

describe("a signed body replayed under another shop or topic is refused", () => {
  let app: TestApp;
  let seq = 0;

  /** sends, settles, and returns the stored delivery (none once a shop/redact carried out took it with the shop) */
  async function deliverMaybe(topic: string, body: unknown, shop: string) {
    const webhookId = `replay-${++seq}`;
    expect((await app.sendWebhook(topic, body, { shop, webhookId })).status).toBe(200);
    await app.settle();
    return app.db.selectFrom("WebhookDelivery").select(["status", "error", "shop", "topic"]).where("webhookId", "=", webhookId).executeTakeFirst();
  }
  async function deliver(topic: string, body: unknown, shop: string) {
    const delivery = await deliverMaybe(topic, body, shop);
    if (!delivery) throw new Error(`the ${topic} delivery for ${shop} is gone: the shop was wiped`);
    return delivery;
  }

  beforeAll(async () => {
    app = await startTestApp();
    await app.sendWebhook("orders/create", mayaInA, { shop: SHOP_A });
    await app.sendWebhook("orders/create", mayaInB, { shop: SHOP_B });
    await app.sendWebhook("fulfillments/create", parcelInB, { shop: SHOP_B });
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(parcelInB.id, mayaInB.id), { shop: SHOP_B });
    await app.settle();
    // the default rules and settings exist once the shop's first shipment was evaluated
    expect((await footprint(app, SHOP_B)).counts.EscalationRule).toBeGreaterThan(0);
  });
  afterAll(async () => app?.close());

  it("shop A's customers/redact replayed as shop/redact with shop B's header wipes nothing of shop B", async () => {
    const before = await footprint(app, SHOP_B);
    const delivery = await deliver("shop/redact", redactMayaInA, SHOP_B);
    expect(delivery.status).toBe("failed");
    expect(delivery.error).toMatch(/refused/);
    expect(delivery.error).toContain(SHOP_A);
    expect(await footprint(app, SHOP_B)).toEqual(before);
  });

  it("shop A's customers/redact replayed with shop B's header redacts nothing in shop B", async () => {
    const before = await footprint(app, SHOP_B);
    const delivery = await deliver("customers/redact", { ...redactMayaInA, orders_to_redact: [mayaInB.id] }, SHOP_B);
    expect(delivery.status).toBe("failed");
    expect(delivery.error).toMatch(/shop_domain/);
    expect(await footprint(app, SHOP_B)).toEqual(before);
    expect(before.orders[0]!.email).toBe(maya.email);
  });

  it("shop A's customers/data_request replayed with shop B's header exports nothing of shop B", async () => {
    const delivery = await deliver("customers/data_request", { shop_id: 1, shop_domain: SHOP_A, customer: maya, orders_requested: [mayaInB.id], data_request: { id: 1 } }, SHOP_B);
    expect(delivery.status).toBe("failed");
    expect(await app.db.selectFrom("DataRequestExport").select("id").execute()).toHaveLength(0);
  });

  it("a body whose shape belongs to another topic is refused: the compliance topics, and the data topics", async () => {
    const before = { a: await footprint(app, SHOP_A), b: await footprint(app, SHOP_B) };
    const cases: [topic: string, body: unknown, shop: string, why: RegExp][] = [
      // a data request replayed as a redaction
      ["customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: maya, orders_requested: [mayaInA.id], data_request: { id: 2 } }, SHOP_A, /orders_requested|data_request/],
      // a redaction with no customer named
      ["customers/redact", { shop_id: 1, shop_domain: SHOP_A, orders_to_redact: [mayaInA.id] }, SHOP_A, /customer/],
      // a customer redaction replayed as an uninstall, in its own shop and in another
      ["app/uninstalled", redactMayaInA, SHOP_A, /customer|shop_domain/],
      ["app/uninstalled", redactMayaInA, SHOP_B, /customer|shop_domain/],
      // shop A's uninstall replayed with shop B's header
      ["app/uninstalled", { id: 1, name: "Alpha Goods", domain: SHOP_A, myshopify_domain: SHOP_A }, SHOP_B, /myshopify_domain/],
      // a fulfillment event replayed as a fulfillment, a fulfillment replayed as an order
      ["fulfillments/update", fulfillmentEventPayload(parcelInB.id, mayaInB.id), SHOP_B, /fulfillment_id/],
      ["orders/updated", { ...parcelInB, updated_at: "2026-11-30T10:00:00-05:00" }, SHOP_B, /order_id/],
      // compliance bodies under data topics
      ["orders/updated", { ...mayaInB, shop_domain: SHOP_B, updated_at: "2026-11-30T10:00:00-05:00" }, SHOP_B, /shop_domain/],
    ];
    for (const [topic, body, shop, why] of cases) {
      const delivery = await deliver(topic, body, shop);
      expect(delivery.status, `${topic} in ${shop}`).toBe("failed");
      expect(delivery.error, `${topic} in ${shop}`).toMatch(/^refused: /);
      expect(delivery.error, `${topic} in ${shop}`).toMatch(why);
    }
    expect({ a: await footprint(app, SHOP_A), b: await footprint(app, SHOP_B) }).toEqual(before);
    expect(await app.db.selectFrom("Session").select("id").where("shop", "in", [SHOP_A, SHOP_B]).execute()).toHaveLength(2);
  });

  it("shop/redact for a shop that is still installed is refused, even with a matching shop_domain", async () => {
    const before = await footprint(app, SHOP_B);
    const delivery = await deliver("shop/redact", { shop_id: 2, shop_domain: SHOP_B }, SHOP_B);
    expect(delivery.status).toBe("failed");
    expect(delivery.error).toMatch(/^refused: .*installed/);
    expect(await footprint(app, SHOP_B)).toEqual(before);
  });

  it("a refusal is logged with the shop, topic and reason", async () => {
    const lines: string[] = [];
    const logger = app.container.logger;
    const warn = logger.warn;
    // the container's logger is silent in tests: listen on warn() for this one delivery
    logger.warn = ((obj: unknown, msg?: string) => {
      lines.push(JSON.stringify({ obj, msg }));
    }) as typeof logger.warn;
    try {
      await deliver("shop/redact", redactMayaInA, SHOP_B);
    } finally {
      logger.warn = warn;
    }
    const refused = lines.find((l) => l.includes("refused"));
    expect(refused).toBeDefined();
    expect(refused).toContain(SHOP_B);
    expect(refused).toContain("shop/redact");
    expect(refused).toContain(SHOP_A);
  });

  it("the real sequence still works: shop/redact after app/uninstalled, with agreeing headers, forgets the shop", async () => {
    const uninstalled = await deliver("app/uninstalled", { id: 2, name: "Bravo Outfitters", domain: SHOP_B, myshopify_domain: SHOP_B }, SHOP_B);
    expect(uninstalled.status).toBe("processed");
    // carried out, it deletes its own delivery row with the rest of the shop
    expect(await deliverMaybe("shop/redact", { shop_id: 2, shop_domain: SHOP_B }, SHOP_B)).toBeUndefined();
    const after = await footprint(app, SHOP_B);
    expect(Object.values(after.counts).every((n) => n === 0)).toBe(true);
    // shop A untouched
    expect((await footprint(app, SHOP_A)).orders).toHaveLength(1);
  });
});
