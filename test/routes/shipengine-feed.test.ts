import { generateKeyPairSync } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAfterShip, type FakeAfterShip } from "../../scripts/local-services/fake-aftership";
import { startFakeShipEngine, type FakeShipEngine } from "../../scripts/local-services/fake-shipengine";
import { fulfillmentEventPayload } from "../fixtures/shopify";
import { deliveryCount as countDeliveries, feedConnectionRow, onTestServer, shipmentRow, shipParcel } from "../support/feeds";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The ShipEngine tracking feed, end to end: a real server over a real SQLite file, the ShipEngine stand-in on its own
 * port (SHIPENGINE_API_BASE) serving its JWKS, webhooks signed as ShipEngine signs them (RSA-SHA256 over
 * `<timestamp>.<body>`), and the webhook registered with ShipEngine by Shipwatch on connect.
 */
describe("Tracking feeds: ShipEngine", () => {
  let app: TestApp;
  let shipengine: FakeShipEngine;
  let aftership: FakeAfterShip;
  let keyA: string;
  let keyB: string;
  let urlA: string;
  let urlB: string;
  const ONTRAC = "D21111111111111";
  const UNKNOWN = "D29999999999999";

  const put = (body: unknown, token?: string) =>
    fetch(`${app.url}/api/v1/feeds/shipengine`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const local = (webhookUrl: string) => onTestServer(app, webhookUrl);
  const now = () => new Date(app.clock.now()).toISOString();
  const send = (url: string, tracking: ReturnType<FakeShipEngine["tracking"]>, options: Parameters<FakeShipEngine["sendWebhook"]>[2] = {}) =>
    shipengine.sendWebhook(url, tracking, { timestamp: now(), ...options });
  const shipment = (shop: string, tracking: string) => shipmentRow(app, shop, tracking);
  const connection = (shop: string) => feedConnectionRow(app, shop, "shipengine");
  const deliveryCount = () => countDeliveries(app);
  const ship = (shop: string, tracking: string, company: string, name: string) => shipParcel(app, shop, tracking, company, name);

  beforeAll(async () => {
    shipengine = await startFakeShipEngine({ keys: ["TEST_alpha", "TEST_bravo"] });
    aftership = await startFakeAfterShip({ keys: ["asat_alpha"] });
    app = await startTestApp({ env: { SHIPENGINE_API_BASE: shipengine.url, AFTERSHIP_API_BASE: aftership.url } });
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Ops")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Ops")).key;
  });
  afterAll(async () => {
    await app?.close();
    await shipengine?.close();
    await aftership?.close();
  });

  describe("connect: PUT /api/v1/feeds/shipengine", () => {
    it("answers 401 without a Support API token, and stores nothing", async () => {
      expect((await put({ apiKey: "TEST_alpha" })).status).toBe(401);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("answers 400 naming the fields of a bad body, and stores nothing", async () => {
      const res = await put({ apiKey: "", carriers: ["pigeon"] }, keyA);
      expect(res.status).toBe(400);
      expect((await res.json()).fields).toEqual(expect.arrayContaining(["apiKey", "carriers.0"]));
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a key ShipEngine refuses: its own words, nothing connected, no webhook registered", async () => {
      const res = await put({ apiKey: "TEST_wrong" }, keyA);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: "provider_rejected", message: "ShipEngine said (401 unauthorized): The API key is invalid. Please see https://www.shipengine.com/docs/auth" });
      expect(shipengine.calls.at(-1)).toMatchObject({ method: "GET", path: "/v1/environment/webhooks", apiKey: "TEST_wrong", status: 401 });
      expect(shipengine.webhooks.size).toBe(0);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("ShipEngine unavailable: 502 with its words, nothing connected", async () => {
      shipengine.failNext(503);
      const res = await put({ apiKey: "TEST_alpha" }, keyA);
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: "provider_unavailable", message: expect.stringContaining("temporarily unavailable") });
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a good key: the track webhook registered with ShipEngine (nothing to paste), the key sealed; PUT again keeps the id and registers nothing twice", async () => {
      const first = await put({ apiKey: "TEST_alpha" }, keyA);
      expect(first.status).toBe(200);
      const { webhookUrl } = await first.json();
      expect(webhookUrl).toMatch(/^https:\/\/shipwatch\.test\/feeds\/shipengine\/[A-Za-z0-9_-]{16,}$/);
      expect([...shipengine.webhooks.values()]).toEqual([expect.objectContaining({ url: webhookUrl, event: "track", apiKey: "TEST_alpha" })]);
      const again = await put({ apiKey: "TEST_alpha" }, keyA);
      expect((await again.json()).webhookUrl).toBe(webhookUrl);
      expect(shipengine.webhooks.size).toBe(1);
      urlA = local(webhookUrl);
      const row = (await connection(SHOP_A))!;
      expect(row).toMatchObject({ provider: "shipengine", status: "connected", carriers: "default" });
      expect(JSON.stringify(row)).not.toContain("TEST_alpha");

      const b = await put({ apiKey: "TEST_bravo" }, keyB);
      urlB = local((await b.json()).webhookUrl);
      expect(urlB).not.toBe(urlA);
      expect(shipengine.webhooks.size).toBe(2);
    });
  });

  describe("receive: POST /feeds/shipengine/<id>", () => {
    beforeAll(async () => {
      await ship(SHOP_A, ONTRAC, "OnTrac", "#4001");
      await app.settle();
    });

    it("a signed track webhook moves the parcel; its timeline shows ShipEngine's events with their source", async () => {
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("label_created");
      const tracking = shipengine.tracking(ONTRAC, [
        { occurred_at: "2026-11-03T15:00:00Z", status_code: "NY", status_detail_code: "AWAITING_ELECTRONIC_ADVICE", description: "Shipping label created" },
        { occurred_at: "2026-11-03T22:10:00Z", status_code: "AC", status_detail_code: "COLLECTION_MADE", description: "Package picked up", city_locality: "Sacramento", state_province: "CA", country_code: "US" },
        { occurred_at: "2026-11-04T09:30:00Z", status_code: "IT", status_detail_code: "CARRIER_DELAYS", description: "Delayed in transit", city_locality: "Reno", state_province: "NV", country_code: "US" },
      ]);
      const res = await send(urlA, tracking);
      expect(res.status).toBe(200);
      // ShipEngine retries the same body: stored once
      const body = JSON.stringify({ resource_url: "x", resource_type: "API_TRACK", data: tracking });
      expect((await send(urlA, tracking, { body })).status).toBe(200);
      expect((await send(urlA, tracking, { body })).status).toBe(200);
      await app.settle();
      const s = await shipment(SHOP_A, ONTRAC);
      expect(s).toMatchObject({ status: "delayed", reason: "carrier_delay", eventCount: 3 });
      const detail = await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id);
      expect(detail!.events[0]).toMatchObject({ source: "shipengine", status: "delayed", rawStatus: "it/carrier_delays", location: "Reno, NV, US" });
      expect(detail!.events.every((e) => e.source === "shipengine")).toBe(true);
      expect(await app.db.selectFrom("WebhookDelivery").select("id").where("topic", "=", "feeds/shipengine").where("shop", "=", SHOP_A).execute()).toHaveLength(2);

      // ShipEngine resends every event with each update: only the new one counts
      tracking.events.push({ ...tracking.events[2]!, occurred_at: "2026-11-05T15:00:00Z", status_code: "IT", status_detail_code: "OUT_FOR_DELIVERY", description: "Out for delivery" });
      await send(urlA, tracking);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "out_for_delivery", eventCount: 4 });
    });

    it("the same scan from Shopify and from ShipEngine counts once", async () => {
      const { order, f } = await ship(SHOP_A, "D25555555555555", "OnTrac", "#4003");
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed from Facility", happened_at: "2026-11-03T08:00:00-05:00", city: "Toronto", province: "Ontario", country: "Canada" }), { shop: SHOP_A });
      await app.settle();
      app.clock.advance(1000);
      await send(urlA, shipengine.tracking("D25555555555555", [{ occurred_at: "2026-11-03T13:03:00Z", status_code: "IT", status_detail_code: "HUB_SCAN_OUT", description: "Departed facility", city_locality: "TORONTO", state_province: "ON", country_code: "CA" }]));
      await app.settle();
      const s = await shipment(SHOP_A, "D25555555555555");
      expect(s).toMatchObject({ status: "in_transit", eventCount: 1 });
      const events = (await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events;
      expect(events.map((e) => e.source)).toEqual(["shopify_fulfillment_event"]);
    });

    it("the same scan from AfterShip and from ShipEngine counts once: two feeds of one shop, one timeline", async () => {
      const res = await fetch(`${app.url}/api/v1/feeds/aftership`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${keyA}` }, body: JSON.stringify({ apiKey: "asat_alpha", webhookSecret: "as-secret" }) });
      const afterShipUrl = local((await res.json()).webhookUrl);
      await ship(SHOP_A, "D26666666666666", "OnTrac", "#4004");
      await app.settle();
      await aftership.sendWebhook(afterShipUrl, "as-secret", aftership.tracking("D26666666666666", [
        { checkpoint_time: "2026-11-04T15:00:00Z", tag: "OutForDelivery", subtag: "OutForDelivery_001", message: "Out for delivery", city: "Reno", state: "NV", country_region: "USA" },
      ]));
      await app.settle();
      app.clock.advance(1000);
      await send(urlA, shipengine.tracking("D26666666666666", [{ occurred_at: "2026-11-04T15:04:00Z", status_code: "IT", status_detail_code: "OUT_FOR_DELIVERY", description: "Out for Delivery", city_locality: "RENO", state_province: "NV", country_code: "US" }]));
      await app.settle();
      const s = await shipment(SHOP_A, "D26666666666666");
      expect(s).toMatchObject({ status: "out_for_delivery", eventCount: 1 });
      expect((await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events.map((e) => e.source)).toEqual(["aftership"]);
      // both feeds were asked to track the new OnTrac parcel
      expect(shipengine.tracked.has("ontrac:D26666666666666")).toBe(true);
      expect(aftership.trackings.has("D26666666666666")).toBe(true);
    });

    it("a forged, unsigned, stale, re-signed-by-another-key or unknown-key webhook: 401, nothing stored, no parcel changed", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      const deliveries = await deliveryCount();
      const tracking = shipengine.tracking(ONTRAC, [{ occurred_at: "2026-11-06T10:00:00Z", status_code: "DE", description: "Delivered" }]);
      const body = JSON.stringify({ resource_url: "x", resource_type: "API_TRACK", data: tracking });
      const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
      const ts = now();
      const refusals = [
        { sign: false },
        { body, signature: Buffer.alloc(256).toString("base64") },
        // a signature of another body
        { body, signature: shipengine.signatureOf("{}", ts), timestamp: ts },
        // signed by a key that is not ShipEngine's, naming ShipEngine's key id
        { body, signature: shipengine.signatureOf(body, ts, forger), timestamp: ts },
        // a key id ShipEngine does not publish
        { body, keyId: "se-key-forged" },
        // a genuine signature replayed 10 minutes later
        { body, timestamp: new Date(app.clock.now() - 10 * 60_000).toISOString() },
      ];
      for (const options of refusals) expect((await send(urlA, tracking, options)).status).toBe(401);
      // a genuine signature whose timestamp was changed after signing
      const signedAt = now();
      expect((await send(urlA, tracking, { body, signature: shipengine.signatureOf(body, signedAt), timestamp: new Date(app.clock.now() + 1000).toISOString() })).status).toBe(401);
      expect((await send(`${app.url}/feeds/shipengine/no-such-connection`, tracking)).status).toBe(404);
      // an EasyPost or AfterShip URL is not a ShipEngine one
      expect((await send(urlA.replace("/feeds/shipengine/", "/feeds/aftership/"), tracking)).status).toBe(404);
      await app.settle();
      expect(await deliveryCount()).toBe(deliveries);
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
    });

    it("another shop's connection never touches this shop's parcel", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      expect((await send(urlB, shipengine.tracking(ONTRAC, [{ occurred_at: "2026-11-06T10:00:00Z", status_code: "DE", description: "Delivered" }]))).status).toBe(200);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
      expect(await connection(SHOP_B)).toMatchObject({ unknownTrackingCount: 1, lastUnknownTracking: ONTRAC });
    });

    it("a tracking number the shop does not have: answered 200, ignored and counted", async () => {
      const before = (await connection(SHOP_A))!.unknownTrackingCount;
      expect((await send(urlA, shipengine.tracking(UNKNOWN, [{ occurred_at: "2026-11-03T10:00:00Z", status_code: "IT", description: "Arrived" }]))).status).toBe(200);
      await app.settle();
      expect(await connection(SHOP_A)).toMatchObject({ unknownTrackingCount: before + 1, lastUnknownTracking: UNKNOWN });
      const stored = await app.db.selectFrom("WebhookDelivery").select(["status"]).where("shop", "=", SHOP_A).where("topic", "=", "feeds/shipengine").orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ status: "ignored" });
      expect(await app.db.selectFrom("Shipment").select("id").where("trackingNumber", "=", UNKNOWN).execute()).toEqual([]);
    });

    it("an unknown ShipEngine code lands in the unmapped inbox tagged shipengine, and reads as unknown until mapped", async () => {
      await send(urlA, shipengine.tracking(ONTRAC, [{ occurred_at: "2026-11-05T18:00:00Z", status_code: "IT", status_detail_code: "BEAMED_UP", description: "Beamed up" }]));
      await app.settle();
      const unmapped = await app.db.selectFrom("UnmappedStatusCode").selectAll().where("shop", "=", SHOP_A).where("source", "=", "shipengine").execute();
      expect(unmapped).toEqual([expect.objectContaining({ code: "it/beamed_up", count: 1, exampleMessage: "Beamed up" })]);
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("unknown");
      const mapped = await app.container.services.statusMapping.mapCode(SHOP_A, { source: "shipengine", code: "it/beamed_up", status: "out_for_delivery" });
      expect(mapped).toMatchObject({ ok: true, changedEvents: 1 });
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("out_for_delivery");
    });

    it("a signed webhook whose data is not tracking information is parked for replay, and replays once mended; other resource types are ignored", async () => {
      const body = JSON.stringify({ resource_url: "x", resource_type: "API_TRACK", data: { events: "none" } });
      expect((await send(urlA, shipengine.tracking(ONTRAC, []), { body })).status).toBe(200);
      await app.settle();
      const parked = await app.db.selectFrom("WebhookDelivery").selectAll().where("topic", "=", "feeds/shipengine").where("body", "=", body).executeTakeFirstOrThrow();
      expect(parked).toMatchObject({ shop: SHOP_A, status: "failed" });
      expect(parked.error).toMatch(/not tracking information.*tracking_number/);

      const mended = shipengine.tracking(ONTRAC, [{ occurred_at: "2026-11-06T16:00:00Z", status_code: "DE", status_detail_code: "DELIVERED", description: "Delivered, front door" }]);
      await app.db.updateTable("WebhookDelivery").set({ body: JSON.stringify({ resource_url: "x", resource_type: "API_TRACK", data: mended }) }).where("id", "=", parked.id).execute();
      expect(await app.container.replayFailedDeliveries(SHOP_A, [parked.id])).toBe(1);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "delivered" });

      expect((await send(urlA, shipengine.tracking(ONTRAC, []), { resourceType: "BATCH" })).status).toBe(200);
      await app.settle();
      const batch = await app.db.selectFrom("WebhookDelivery").select(["status"]).where("topic", "=", "feeds/shipengine").orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(batch).toMatchObject({ status: "ignored" });
    });
  });

  describe("start tracking for new parcels on the carriers the shop chose", () => {
    it("a new OnTrac parcel is started; ShipEngine's 503 and 429 are retried with backoff; UPS and 'other' parcels are not sent", async () => {
      shipengine.failNext(503);
      shipengine.failNext(429);
      const before = shipengine.calls.length;
      await ship(SHOP_A, "D22222222222222", "OnTrac", "#4010");
      await ship(SHOP_A, "1Z999AA10123456700", "UPS", "#4011");
      await ship(SHOP_A, "XX123", "Pigeon Post", "#4012");
      await app.settle();
      const starts = () => shipengine.calls.slice(before).filter((c) => c.path.startsWith("/v1/tracking/start"));
      expect(starts().map((c) => c.status)).toEqual([503]);
      for (let i = 0; i < 2; i++) {
        app.clock.advance(60 * 60_000);
        await app.settle();
      }
      expect(starts().map((c) => c.status)).toEqual([503, 429, 204]);
      expect(starts()[2]).toMatchObject({ method: "POST", path: "/v1/tracking/start?carrier_code=ontrac&tracking_number=D22222222222222", apiKey: "TEST_alpha" });
      expect([...shipengine.tracked].filter((t) => t.includes("1Z999AA10123456700") || t.includes("XX123"))).toEqual([]);
      expect((await app.container.queue.listParked({ shop: SHOP_A })).filter((j) => j.name === "register-shipengine-tracking")).toEqual([]);
    });

    it("ShipEngine refusing the key: parked with its words, the connection failing; a replay mends both", async () => {
      shipengine.keys.delete("TEST_alpha");
      await ship(SHOP_A, "D23333333333333", "OnTrac", "#4013");
      await app.settle();
      const parked = (await app.container.queue.listParked({ shop: SHOP_A })).find((j) => j.name === "register-shipengine-tracking");
      expect(parked).toMatchObject({ payload: { trackingNumber: "D23333333333333", carrier: "ontrac" }, attempts: 1 });
      const words = "ShipEngine said (401 unauthorized): The API key is invalid. Please see https://www.shipengine.com/docs/auth";
      expect(parked!.lastError).toBe(words);
      expect(await connection(SHOP_A)).toMatchObject({ status: "failing", lastError: words });

      shipengine.keys.add("TEST_alpha");
      expect(await app.container.queue.replay({ shop: SHOP_A, ids: [parked!.id] })).toBe(1);
      await app.settle();
      expect(shipengine.tracked.has("ontrac:D23333333333333")).toBe(true);
      expect(await connection(SHOP_A)).toMatchObject({ status: "connected", lastError: null });
    });
  });

  it("disconnecting removes the webhook Shipwatch registered with ShipEngine, and its URL stops working at once", async () => {
    expect(shipengine.webhooks.size).toBe(2);
    expect(await app.container.services.feeds.disconnect(SHOP_B, "shipengine")).toBe(true);
    expect([...shipengine.webhooks.values()].map((w) => w.apiKey)).toEqual(["TEST_alpha"]);
    expect(shipengine.calls.at(-1)).toMatchObject({ method: "DELETE", apiKey: "TEST_bravo", status: 204 });
    expect(await connection(SHOP_B)).toBeUndefined();
    expect((await send(urlB, shipengine.tracking(UNKNOWN, []))).status).toBe(404);
  });
});
