import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { afterShipSignature, startFakeAfterShip, type FakeAfterShip } from "../../scripts/local-services/fake-aftership";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The AfterShip tracking feed, end to end: a real server over a real SQLite file, the AfterShip stand-in on its own
 * port (AFTERSHIP_API_BASE), signatures computed as AfterShip computes them (base64 HMAC-SHA256 of the raw body).
 */
describe("Tracking feeds: AfterShip", () => {
  let app: TestApp;
  let aftership: FakeAfterShip;
  let easypost: FakeEasyPost;
  let keyA: string;
  let keyB: string;
  const SECRET_A = "as-whsec-alpha";
  const SECRET_B = "as-whsec-bravo";
  let urlA: string;
  let urlB: string;
  const ONTRAC = "D11111111111111";
  const UNKNOWN = "D99999999999999";

  const put = (body: unknown, token?: string) =>
    fetch(`${app.url}/api/v1/feeds/aftership`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const local = (webhookUrl: string) => webhookUrl.replace("https://shipwatch.test", app.url);
  const shipment = async (shop: string, tracking: string) =>
    await app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  const connection = (shop: string) => app.db.selectFrom("FeedConnection").selectAll().where("shop", "=", shop).where("provider", "=", "aftership").executeTakeFirst();
  const deliveryCount = async () => Number((await app.db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  async function ship(shop: string, tracking: string, company: string, name: string) {
    const order = orderPayload({ id: newId(), name });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: company, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillments/create", f, { shop });
    return { order, f };
  }

  beforeAll(async () => {
    aftership = await startFakeAfterShip({ keys: ["asat_alpha", "asat_bravo"] });
    easypost = await startFakeEasyPost({ keys: ["EZAK_alpha"] });
    app = await startTestApp({ env: { AFTERSHIP_API_BASE: aftership.url, EASYPOST_API_BASE: easypost.url } });
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Ops")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Ops")).key;
  });
  afterAll(async () => {
    await app?.close();
    await aftership?.close();
    await easypost?.close();
  });

  describe("connect: PUT /api/v1/feeds/aftership", () => {
    it("answers 401 without a Support API token, and stores nothing", async () => {
      const res = await put({ apiKey: "asat_alpha", webhookSecret: SECRET_A });
      expect(res.status).toBe(401);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("answers 400 naming the fields of a bad body, and stores nothing", async () => {
      const res = await put({ apiKey: "", carriers: ["pigeon"] }, keyA);
      expect(res.status).toBe(400);
      expect((await res.json()).fields).toEqual(expect.arrayContaining(["apiKey", "webhookSecret", "carriers.0"]));
      expect((await put("not json", keyA)).status).toBe(400);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a key AfterShip refuses: its own words, nothing connected", async () => {
      const res = await put({ apiKey: "asat_wrong", webhookSecret: SECRET_A }, keyA);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: "provider_rejected", message: "AfterShip said (401 401): Invalid API key." });
      // checked with the as-api-key header against the current API version
      expect(aftership.calls.at(-1)).toMatchObject({ method: "GET", path: "/tracking/2026-07/couriers", apiKey: "asat_wrong", status: 401 });
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("AfterShip unavailable: 502 with its words, nothing connected", async () => {
      aftership.failNext(503);
      const res = await put({ apiKey: "asat_alpha", webhookSecret: SECRET_A }, keyA);
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: "provider_unavailable", message: expect.stringContaining("temporarily unavailable") });
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a good key: the webhook URL to paste into AfterShip; credentials sealed at rest; PUT again keeps the id", async () => {
      const first = await put({ apiKey: "asat_alpha", webhookSecret: "an-old-secret" }, keyA);
      expect(first.status).toBe(200);
      const { webhookUrl } = await first.json();
      expect(webhookUrl).toMatch(/^https:\/\/shipwatch\.test\/feeds\/aftership\/[A-Za-z0-9_-]{16,}$/);
      const again = await put({ apiKey: "asat_alpha", webhookSecret: SECRET_A }, keyA);
      expect((await again.json()).webhookUrl).toBe(webhookUrl);
      urlA = local(webhookUrl);
      const row = (await connection(SHOP_A))!;
      expect(row).toMatchObject({ provider: "aftership", status: "connected", carriers: "default" });
      expect(JSON.stringify(row)).not.toContain("asat_alpha");
      expect(JSON.stringify(row)).not.toContain("whsec");
      expect((await aftership.sendWebhook(urlA, "an-old-secret", aftership.tracking("D00000000000000", []))).status).toBe(401);
      // an AfterShip URL is not an EasyPost one
      expect((await fetch(webhookUrl.replace("https://shipwatch.test/feeds/aftership", `${app.url}/feeds/easypost`), { method: "POST", body: "{}" })).status).toBe(404);

      const b = await put({ apiKey: "asat_bravo", webhookSecret: SECRET_B }, keyB);
      urlB = local((await b.json()).webhookUrl);
      expect(urlB).not.toBe(urlA);
    });
  });

  describe("receive: POST /feeds/aftership/<id>", () => {
    beforeAll(async () => {
      await ship(SHOP_A, ONTRAC, "OnTrac", "#3001");
      await app.settle();
    });

    it("a signed tracking_update moves the parcel, and its timeline shows AfterShip's checkpoints with their source", async () => {
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("label_created");
      const tracking = aftership.tracking(ONTRAC, [
        { checkpoint_time: "2026-11-03T08:00:00-07:00", tag: "InfoReceived", subtag: "InfoReceived_001", message: "Shipment information received" },
        { checkpoint_time: "2026-11-03T15:10:00-07:00", tag: "InTransit", subtag: "InTransit_002", message: "Package picked up", city: "Sacramento", state: "CA", country_region: "USA" },
        { checkpoint_time: "2026-11-04T02:30:00-07:00", tag: "Exception", subtag: "Exception_017", message: "Delayed by extreme weather", city: "Reno", state: "NV", country_region: "USA" },
      ]);
      const res = await aftership.sendWebhook(urlA, SECRET_A, tracking, { eventId: "evt-as-1" });
      expect(res.status).toBe(200);
      // AfterShip retries with the same event_id: stored once
      expect((await aftership.sendWebhook(urlA, SECRET_A, tracking, { eventId: "evt-as-1" })).status).toBe(200);
      await app.settle();
      const s = await shipment(SHOP_A, ONTRAC);
      expect(s).toMatchObject({ status: "delayed", reason: "weather", eventCount: 3 });
      const detail = await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id);
      expect(detail!.events[0]).toMatchObject({ source: "aftership", status: "delayed", rawStatus: "exception_017", location: "Reno, NV, USA" });
      expect(detail!.events.every((e) => e.source === "aftership")).toBe(true);
      expect(await connection(SHOP_A)).toMatchObject({ eventCount: 1 });
      expect(await app.db.selectFrom("WebhookDelivery").select("id").where("webhookId", "like", "aftership:%:evt-as-1").execute()).toHaveLength(1);

      // AfterShip resends every checkpoint with each update: only the new one counts
      tracking.checkpoints.push({ checkpoint_time: "2026-11-05T07:00:00-08:00", tag: "OutForDelivery", subtag: "OutForDelivery_001", message: "Out for delivery", city: "Las Vegas", state: "NV", country_region: "USA", location: null, slug: "ontrac" });
      await aftership.sendWebhook(urlA, SECRET_A, tracking);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "out_for_delivery", eventCount: 4 });
    });

    it("the same scan from Shopify and from AfterShip counts once", async () => {
      const { order, f } = await ship(SHOP_A, "D55555555555555", "OnTrac", "#3003");
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed from Facility", happened_at: "2026-11-03T08:00:00-05:00", city: "Toronto", province: "Ontario", country: "Canada" }), { shop: SHOP_A });
      await app.settle();
      app.clock.advance(1000);
      await aftership.sendWebhook(urlA, SECRET_A, aftership.tracking("D55555555555555", [
        { checkpoint_time: "2026-11-03T13:02:00Z", tag: "InTransit", subtag: "InTransit_007", message: "Departed facility", city: "TORONTO", state: "ON", country_region: "CAN" },
      ]));
      await app.settle();
      const s = await shipment(SHOP_A, "D55555555555555");
      expect(s).toMatchObject({ status: "in_transit", eventCount: 1 });
      const events = (await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events;
      expect(events.map((e) => e.source)).toEqual(["shopify_fulfillment_event"]);
    });

    it("the same scan from EasyPost and from AfterShip counts once: two feeds of one shop, one timeline", async () => {
      const put = await fetch(`${app.url}/api/v1/feeds/easypost`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${keyA}` }, body: JSON.stringify({ apiKey: "EZAK_alpha", webhookSecret: "ep-secret" }) });
      const easypostUrl = local((await put.json()).webhookUrl);
      await ship(SHOP_A, "D66666666666666", "OnTrac", "#3004");
      await app.settle();
      await easypost.sendEvent(easypostUrl, "ep-secret", easypost.tracker("D66666666666666", [
        { datetime: "2026-11-04T15:00:00Z", status: "out_for_delivery", status_detail: "out_for_delivery", message: "Out for delivery", tracking_location: { city: "Reno", state: "NV", country: "US", zip: null } },
      ]));
      await app.settle();
      app.clock.advance(1000);
      await aftership.sendWebhook(urlA, SECRET_A, aftership.tracking("D66666666666666", [
        { checkpoint_time: "2026-11-04T07:02:00-08:00", tag: "OutForDelivery", subtag: "OutForDelivery_001", message: "Out for delivery", city: "RENO", state: "NV", country_region: "USA" },
      ]));
      await app.settle();
      const s = await shipment(SHOP_A, "D66666666666666");
      expect(s).toMatchObject({ status: "out_for_delivery", eventCount: 1 });
      const events = (await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events;
      expect(events.map((e) => e.source)).toEqual(["easypost"]);
      // both feeds were asked to track the new OnTrac parcel (before the test's own trackers existed)
      expect(easypost.calls.filter((c) => c.method === "POST" && c.body.includes("D66666666666666")).map((c) => c.status)).toEqual([201]);
      expect(aftership.calls.filter((c) => c.method === "POST" && c.body.includes("D66666666666666")).map((c) => c.status)).toEqual([201]);
    });

    it("a forged, missing or another connection's signature: 401, nothing stored, no parcel changed", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      const deliveries = await deliveryCount();
      const tracking = aftership.tracking(ONTRAC, [{ checkpoint_time: "2026-11-06T10:00:00Z", tag: "Delivered", subtag: "Delivered_001", message: "Delivered" }]);
      for (const options of [{ sign: false }, { signature: Buffer.alloc(32).toString("base64") }, { signature: afterShipSignature("{}", SECRET_A) }]) {
        expect((await aftership.sendWebhook(urlA, SECRET_A, tracking, options)).status).toBe(401);
      }
      expect((await aftership.sendWebhook(urlA, SECRET_B, tracking)).status).toBe(401);
      // hex is not what AfterShip sends
      const raw = JSON.stringify({ event: "tracking_update", event_id: "x", msg: tracking });
      const hex = createHmac("sha256", SECRET_A).update(raw).digest("hex");
      expect((await fetch(urlA, { method: "POST", headers: { "aftership-hmac-sha256": hex }, body: raw })).status).toBe(401);
      expect((await fetch(`${app.url}/feeds/aftership/no-such-connection`, { method: "POST", headers: { "aftership-hmac-sha256": afterShipSignature(raw, SECRET_A) }, body: raw })).status).toBe(404);
      await app.settle();
      expect(await deliveryCount()).toBe(deliveries);
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
    });

    it("another shop's connection never touches this shop's parcel", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      const tracking = aftership.tracking(ONTRAC, [{ checkpoint_time: "2026-11-06T10:00:00Z", tag: "Delivered", subtag: "Delivered_001", message: "Delivered" }]);
      expect((await aftership.sendWebhook(urlB, SECRET_B, tracking)).status).toBe(200);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
      expect(await connection(SHOP_B)).toMatchObject({ unknownTrackingCount: 1, lastUnknownTracking: ONTRAC });
    });

    it("a tracking number the shop does not have: answered 200, ignored and counted", async () => {
      const before = (await connection(SHOP_A))!.unknownTrackingCount;
      expect((await aftership.sendWebhook(urlA, SECRET_A, aftership.tracking(UNKNOWN, [{ checkpoint_time: "2026-11-03T10:00:00Z", tag: "InTransit", subtag: "InTransit_003", message: "Arrived" }]))).status).toBe(200);
      await app.settle();
      expect(await connection(SHOP_A)).toMatchObject({ unknownTrackingCount: before + 1, lastUnknownTracking: UNKNOWN });
      const stored = await app.db.selectFrom("WebhookDelivery").select(["status"]).where("shop", "=", SHOP_A).where("topic", "=", "feeds/aftership").orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ status: "ignored" });
      expect(await app.db.selectFrom("Shipment").select("id").where("trackingNumber", "=", UNKNOWN).execute()).toEqual([]);
    });

    it("an unknown AfterShip code lands in the unmapped inbox tagged aftership, and reads as unknown", async () => {
      await aftership.sendWebhook(urlA, SECRET_A, aftership.tracking(ONTRAC, [{ checkpoint_time: "2026-11-05T18:00:00Z", tag: "InTransit", subtag: "InTransit_099", message: "Beamed up" }]));
      await app.settle();
      const unmapped = await app.db.selectFrom("UnmappedStatusCode").selectAll().where("shop", "=", SHOP_A).where("source", "=", "aftership").execute();
      expect(unmapped).toEqual([expect.objectContaining({ code: "intransit_099", count: 1, exampleMessage: "Beamed up" })]);
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("unknown");
      const mapped = await app.container.services.statusMapping.mapCode(SHOP_A, { source: "aftership", code: "intransit_099", status: "out_for_delivery" });
      expect(mapped).toMatchObject({ ok: true, changedEvents: 1 });
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("out_for_delivery");
    });

    it("a signed webhook whose msg is not a tracking is parked for replay, and replays once mended", async () => {
      const body = JSON.stringify({ event: "tracking_update", event_id: "evt-as-malformed", msg: { checkpoints: "none" } });
      const res = await fetch(urlA, { method: "POST", headers: { "content-type": "application/json", "aftership-hmac-sha256": afterShipSignature(body, SECRET_A) }, body });
      expect(res.status).toBe(200);
      await app.settle();
      const parked = await app.db.selectFrom("WebhookDelivery").selectAll().where("webhookId", "like", "%evt-as-malformed").executeTakeFirstOrThrow();
      expect(parked).toMatchObject({ shop: SHOP_A, topic: "feeds/aftership", status: "failed" });
      expect(parked.error).toMatch(/not a Tracking.*tracking_number/);

      const mended = aftership.tracking(ONTRAC, [{ checkpoint_time: "2026-11-06T16:00:00Z", tag: "Delivered", subtag: "Delivered_001", message: "Delivered, front door" }]);
      await app.db.updateTable("WebhookDelivery").set({ body: JSON.stringify({ event: "tracking_update", event_id: "evt-as-malformed", msg: mended }) }).where("id", "=", parked.id).execute();
      expect(await app.container.replayFailedDeliveries(SHOP_A, [parked.id])).toBe(1);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "delivered" });
    });
  });

  describe("register trackings for new parcels on the carriers the shop chose", () => {
    it("a new OnTrac parcel is registered; AfterShip's 503 and 429 are retried with backoff; a UPS parcel is not", async () => {
      aftership.failNext(503);
      aftership.failNext(429);
      const before = aftership.calls.length;
      await ship(SHOP_A, "D22222222222222", "OnTrac", "#3010");
      await ship(SHOP_A, "1Z999AA10123456799", "UPS", "#3011");
      await app.settle();
      expect(aftership.calls.slice(before).filter((c) => c.method === "POST").map((c) => c.status)).toEqual([503]);
      for (let i = 0; i < 2; i++) {
        app.clock.advance(60 * 60_000);
        await app.settle();
      }
      const posts = aftership.calls.slice(before).filter((c) => c.method === "POST");
      expect(posts.map((c) => c.status)).toEqual([503, 429, 201]);
      expect(JSON.parse(posts[2]!.body)).toEqual({ tracking_number: "D22222222222222", slug: "ontrac" });
      expect(posts[2]!.apiKey).toBe("asat_alpha");
      expect(posts[2]!.path).toBe("/tracking/2026-07/trackings");
      expect(aftership.trackings.has("1Z999AA10123456799")).toBe(false);
    });

    it("AfterShip refusing the key: parked with AfterShip's words, the connection failing; a replay mends both", async () => {
      aftership.keys.delete("asat_alpha");
      await ship(SHOP_A, "D33333333333333", "OnTrac", "#3012");
      await app.settle();
      const parked = (await app.container.queue.listParked({ shop: SHOP_A })).find((j) => j.name === "register-aftership-tracking");
      expect(parked).toMatchObject({ payload: { trackingNumber: "D33333333333333", carrier: "ontrac" }, attempts: 1 });
      expect(parked!.lastError).toBe("AfterShip said (401 401): Invalid API key.");
      expect(await connection(SHOP_A)).toMatchObject({ status: "failing", lastError: "AfterShip said (401 401): Invalid API key." });

      aftership.keys.add("asat_alpha");
      expect(await app.container.queue.replay({ shop: SHOP_A, ids: [parked!.id] })).toBe(1);
      await app.settle();
      expect(aftership.trackings.has("D33333333333333")).toBe(true);
      expect(await connection(SHOP_A)).toMatchObject({ status: "connected", lastError: null });
    });

    it("a tracking AfterShip already has counts as registered, not parked", async () => {
      aftership.tracking("D44444444444444", []);
      await ship(SHOP_A, "D44444444444444", "OnTrac", "#3013");
      await app.settle();
      const last = aftership.calls.filter((c) => c.method === "POST").at(-1)!;
      expect(last).toMatchObject({ status: 400 });
      expect(JSON.parse(last.body)).toMatchObject({ tracking_number: "D44444444444444" });
      expect((await app.container.queue.listParked({ shop: SHOP_A })).filter((j) => j.name === "register-aftership-tracking" && (j.payload as { trackingNumber: string }).trackingNumber === "D44444444444444")).toEqual([]);
    });
  });
});
