import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mintSessionToken } from "~/.server/shopify/session-token";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

describe("Support API (/api/v1, contract)", () => {
  let app: TestApp;
  let keyA: string;
  let keyB: string;
  const get = (path: string, token?: string) => fetch(`${app.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    app = await startTestApp();
    for (const [shop, tracking] of [[SHOP_A, "1Z999AA10123456784"], [SHOP_B, "1Z12345E0205271688"]] as const) {
      const order = orderPayload({ id: newId(), name: "#1001" });
      const f = fulfillmentPayload(order.id, { name: "#1001.1", tracking_number: tracking, tracking_numbers: [tracking], line_items: [{ id: 1, title: "Trail Runner 2", quantity: 1, price: "170.00", sku: "TR2-42" }] });
      await app.sendWebhook("orders/create", order, { shop });
      await app.sendWebhook("fulfillments/create", f, { shop });
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Incorrect address - unable to deliver" }), { shop });
    }
    await app.settle();
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Gorgias")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Zendesk")).key;
  });
  afterAll(async () => app?.close());

  it("with a per-shop API key: shipments by order and by tracking number, the storefront's objects plus orderName", async () => {
    const byOrder = await get("/api/v1/shipments?order=%231001", keyA);
    expect(byOrder.status).toBe(200);
    const body = await byOrder.json();
    expect(body.shipments).toHaveLength(1);
    expect(body.shipments[0]).toMatchObject({ orderName: "#1001", trackingNumber: "1Z999AA10123456784", status: "exception", reason: "address_issue", carrier: { code: "ups", name: "UPS" } });
    const byTracking = await get("/api/v1/shipments?tracking=1z999aa10123456784", keyA);
    expect((await byTracking.json()).shipments[0].orderName).toBe("#1001");
    expect((await get("/api/v1/shipments?order=9999", keyA)).status).toBe(404);
    expect(await (await get("/api/v1/shipments?order=9999", keyA)).json()).toEqual({ error: "not_found" });
  });

  it("shipment objects carry the added fields: the story, the attention of an open case, an estimate never passed, items, destination without the street", async () => {
    const body = await (await get("/api/v1/shipments?order=%231001", keyA)).json();
    const [shipment] = body.shipments;
    expect(Object.keys(shipment).sort()).toEqual(
      ["attention", "carrier", "cases", "destination", "estimatedDelivery", "estimatedDeliveryAt", "events", "items", "lastEventAt", "lookups", "messages", "orderName", "promisedBy", "reason", "status", "statusLabel", "story", "trackingNumber", "trackingUrl"].sort(),
    );
    // the parcel has open cases the shopper would notice (the address problem, and by now its silence): said in words
    expect(shipment.attention).toEqual({ since: expect.any(String), message: expect.stringMatching(/UPS/) });
    expect(shipment.statusLabel).not.toBe("On its way");
    expect(shipment.story).toEqual({ headline: expect.any(String), explanation: expect.any(String), next: expect.any(String) });
    expect(shipment.attention.message).toBe(`${shipment.story.explanation} ${shipment.story.next}`);
    // the fixture's dates are weeks behind the clock: whatever is shown has not passed
    const today = new Date(app.clock.now()).toISOString().slice(0, 10);
    if (shipment.estimatedDelivery) expect(shipment.estimatedDelivery.latest >= today).toBe(true);
    expect(shipment.items).toEqual([{ title: "Trail Runner 2", quantity: 1 }]);
    expect(shipment.destination).toEqual({ city: "Ottawa", province: "Ontario", country: "Canada" });
    expect(JSON.stringify(body)).not.toContain("Elgin");
    // the same object the storefront lookup answers with
    const lookup = await app.container.services.lookup.lookup(SHOP_A, { kind: "tracking", tracking: "1Z999AA10123456784" }, app.clock.now());
    const { orderName: _name, cases: _cases, messages: _messages, promisedBy: _promise, lookups: _lookups, ...asShopperSees } = shipment;
    expect(lookup.found && lookup.shipments[0]).toEqual(asShopperSees);
  });

  it("exceptions: open by default, the contract's fields, rule and reason in words", async () => {
    const res = await get("/api/v1/exceptions?status=open", keyA);
    expect(res.status).toBe(200);
    const all = (await res.json()).exceptions as Record<string, unknown>[];
    // the fixture's parcel was last scanned weeks ago: late and likely lost by today's clock, too
    expect(all.map((e) => e.type)).toContain("address_issue");
    const exceptions = all.filter((e) => e.type === "address_issue");
    expect(Object.keys(exceptions[0]!).sort()).toEqual(["dueAt", "id", "openedAt", "orderName", "owner", "priority", "reason", "resolvedAt", "rule", "status", "trackingNumber", "type"].sort());
    expect(exceptions[0]).toMatchObject({ type: "address_issue", owner: "support", priority: "urgent", status: "open", trackingNumber: "1Z999AA10123456784", orderName: "#1001", rule: "Address problem", resolvedAt: null });
    // "not picked up" opened when the label arrived alone, and closed itself when the first scan did
    const resolved = (await (await get("/api/v1/exceptions?status=resolved", keyA)).json()).exceptions;
    expect(resolved.map((e: { type: string; status: string }) => [e.type, e.status])).toEqual([["not_picked_up", "resolved"]]);
    expect(resolved[0].resolvedAt).not.toBeNull();
    expect((await get("/api/v1/exceptions?status=everything", keyA)).status).toBe(400);
  });

  it("with a Shopify session token for a shop that has an offline session", async () => {
    const { token } = mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() });
    const res = await get("/api/v1/shipments?tracking=1Z999AA10123456784", token);
    expect(res.status).toBe(200);
  });

  it("no token, a bad token, a forged, expired or foreign-audience session token, a revoked key, or a shop without an offline session: 401", async () => {
    const forged = mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: "not-the-secret", nowMs: app.clock.now() }).token;
    const expired = mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() - 10 * 60_000 }).token;
    const otherApp = mintSessionToken({ shop: SHOP_A, apiKey: "another-app", apiSecret: TEST_SECRET, nowMs: app.clock.now() }).token;
    const notInstalled = mintSessionToken({ shop: "never-installed.myshopify.com", apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() }).token;
    const revoked = await app.container.services.supportApi.createKey(SHOP_A, "old");
    await app.container.services.supportApi.revokeKey(SHOP_A, revoked.id);
    for (const token of [undefined, "garbage", "swk_notakey", forged, expired, otherApp, notInstalled, revoked.key]) {
      for (const path of ["/api/v1/shipments?order=1001", "/api/v1/exceptions"]) {
        const res = await get(path, token);
        expect(res.status, `${path} with ${token?.slice(0, 12)}`).toBe(401);
      }
    }
  });

  it("a key or token for shop A never reads shop B's data, on every route", async () => {
    const tokenA = mintSessionToken({ shop: SHOP_A, apiKey: TEST_API_KEY, apiSecret: TEST_SECRET, nowMs: app.clock.now() }).token;
    for (const credential of [keyA, tokenA]) {
      expect((await get("/api/v1/shipments?tracking=1Z12345E0205271688", credential)).status).toBe(404);
      const byOrder = await (await get("/api/v1/shipments?order=1001", credential)).json();
      expect(byOrder.shipments.map((s: { trackingNumber: string }) => s.trackingNumber)).toEqual(["1Z999AA10123456784"]);
      const exceptions = await (await get("/api/v1/exceptions", credential)).json();
      expect(new Set(exceptions.exceptions.map((e: { trackingNumber: string }) => e.trackingNumber))).toEqual(new Set(["1Z999AA10123456784"]));
    }
    const fromB = await (await get("/api/v1/exceptions", keyB)).json();
    expect(new Set(fromB.exceptions.map((e: { trackingNumber: string }) => e.trackingNumber))).toEqual(new Set(["1Z12345E0205271688"]));
  });

  it("keys are stored hashed and listed by their last four characters", async () => {
    const rows = await app.db.selectFrom("ApiKey").select(["hash", "lastFour", "shop"]).where("shop", "=", SHOP_A).execute();
    expect(rows.every((r) => r.hash.length === 64 && !r.hash.includes(keyA))).toBe(true);
    const listed = await app.container.services.supportApi.listKeys(SHOP_A);
    expect(listed.map((k) => k.lastFour)).toContain(keyA.slice(-4));
    expect(JSON.stringify(listed)).not.toContain(keyA);
  });
});
