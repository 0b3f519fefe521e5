import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { easyPostSignature, startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The EasyPost tracking feed (ARCHITECTURE.md, "Tracking feeds"), end to end: a real server over a real SQLite
 * file, the EasyPost stand-in on its own port (EASYPOST_API_BASE), signatures computed as EasyPost computes them.
 */
describe("Tracking feeds: EasyPost", () => {
  let app: TestApp;
  let easypost: FakeEasyPost;
  let keyA: string;
  let keyB: string;
  const SECRET_A = "whsec-alpha-ﬁ"; // a ligature: NFKD turns it into "fi", as EasyPost's clients do
  const SECRET_B = "whsec-bravo";
  let urlA: string;
  let urlB: string;
  // parcels of shop A: one on OnTrac (Shopify relays no scans), one on UPS (Shopify relays them too)
  const ONTRAC = "C11111111111111";
  const UPS = "1Z999AA10123456784";
  const UNKNOWN = "C99999999999999";

  const put = (body: unknown, token?: string) =>
    fetch(`${app.url}/api/v1/feeds/easypost`, {
      method: "PUT",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const local = (webhookUrl: string) => webhookUrl.replace("https://shipwatch.test", app.url);
  const shipment = async (shop: string, tracking: string) =>
    (await app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow());
  const connection = (shop: string) => app.db.selectFrom("FeedConnection").selectAll().where("shop", "=", shop).executeTakeFirst();
  const deliveryCount = async () => Number((await app.db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);

  async function ship(shop: string, tracking: string, company: string, name: string) {
    const order = orderPayload({ id: newId(), name });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: company, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillments/create", f, { shop });
    return { order, f };
  }

  beforeAll(async () => {
    easypost = await startFakeEasyPost({ keys: ["EZAK_alpha", "EZAK_bravo"] });
    app = await startTestApp({ env: { EASYPOST_API_BASE: easypost.url } });
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Ops")).key;
    keyB = (await app.container.services.supportApi.createKey(SHOP_B, "Ops")).key;
  });
  afterAll(async () => {
    await app?.close();
    await easypost?.close();
  });

  describe("connect: PUT /api/v1/feeds/easypost", () => {
    it("answers 401 without a Support API token, and stores nothing", async () => {
      const res = await put({ apiKey: "EZAK_alpha", webhookSecret: SECRET_A });
      expect(res.status).toBe(401);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("answers 400 naming the fields of a bad body, and stores nothing", async () => {
      const res = await put({ apiKey: "", carriers: ["pigeon"] }, keyA);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.fields).toEqual(expect.arrayContaining(["apiKey", "webhookSecret", "carriers.0"]));
      expect((await put("not json", keyA)).status).toBe(400);
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a key EasyPost refuses: its own words, nothing connected", async () => {
      const res = await put({ apiKey: "EZAK_wrong", webhookSecret: SECRET_A }, keyA);
      expect(res.status).toBe(422);
      expect(await res.json()).toEqual({ error: "provider_rejected", message: expect.stringMatching(/^EasyPost said \(401 APIKEY\.INACTIVE\): The API key given is not active/) });
      // the key was checked with Basic auth, the key as user name
      expect(easypost.calls.at(-1)).toMatchObject({ method: "GET", path: "/v2/trackers?page_size=1", apiKey: "EZAK_wrong", status: 401 });
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("EasyPost unavailable: 502 with its words, nothing connected", async () => {
      easypost.failNext(503);
      const res = await put({ apiKey: "EZAK_alpha", webhookSecret: SECRET_A }, keyA);
      expect(res.status).toBe(502);
      expect((await res.json()).error).toBe("provider_unavailable");
      expect(await connection(SHOP_A)).toBeUndefined();
    });

    it("a good key: the webhook URL to paste into EasyPost; credentials sealed at rest; PUT again keeps the id", async () => {
      const first = await put({ apiKey: "EZAK_alpha", webhookSecret: "an-old-secret" }, keyA);
      expect(first.status).toBe(200);
      const { webhookUrl } = await first.json();
      expect(webhookUrl).toMatch(/^https:\/\/shipwatch\.test\/feeds\/easypost\/[A-Za-z0-9_-]{16,}$/);
      const again = await put({ apiKey: "EZAK_alpha", webhookSecret: SECRET_A }, keyA);
      expect((await again.json()).webhookUrl).toBe(webhookUrl);
      urlA = local(webhookUrl);
      const row = (await connection(SHOP_A))!;
      expect(row).toMatchObject({ provider: "easypost", status: "connected", carriers: "default" });
      expect(JSON.stringify(row)).not.toContain("EZAK_alpha");
      expect(JSON.stringify(row)).not.toContain("whsec");
      // the old secret no longer signs for this connection
      const tracker = easypost.tracker("C00000000000000", []);
      expect((await easypost.sendEvent(urlA, "an-old-secret", tracker)).status).toBe(401);

      const b = await put({ apiKey: "EZAK_bravo", webhookSecret: SECRET_B }, keyB);
      urlB = local((await b.json()).webhookUrl);
      expect(urlB).not.toBe(urlA);
    });
  });

  describe("receive: POST /feeds/easypost/<id>", () => {
    beforeAll(async () => {
      await ship(SHOP_A, ONTRAC, "OnTrac", "#2001");
      await ship(SHOP_A, UPS, "UPS", "#2002");
      await app.settle();
    });

    it("a signed tracker.updated moves the parcel, and its timeline shows EasyPost's scans with their source", async () => {
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("label_created");
      const tracker = easypost.tracker(ONTRAC, [
        { datetime: "2026-11-03T15:00:00Z", status: "pre_transit", status_detail: "label_created", message: "Shipping label created" },
        { datetime: "2026-11-03T22:10:00Z", status: "in_transit", status_detail: "received_at_origin_facility", message: "Package received", tracking_location: { city: "Sacramento", state: "CA", country: "US", zip: null } },
        { datetime: "2026-11-04T09:30:00Z", status: "in_transit", status_detail: "weather_delay", message: "Delayed: severe weather", tracking_location: { city: "Reno", state: "NV", country: "US", zip: null } },
      ]);
      const res = await easypost.sendEvent(urlA, SECRET_A, tracker);
      expect(res.status).toBe(200);
      await app.settle();
      const s = await shipment(SHOP_A, ONTRAC);
      expect(s).toMatchObject({ status: "delayed", reason: "weather", eventCount: 3 });
      const detail = await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id);
      expect(detail!.events[0]).toMatchObject({ source: "easypost", status: "delayed", rawStatus: "in_transit/weather_delay", location: "Reno, NV, US" });
      expect(detail!.events.every((e) => e.source === "easypost")).toBe(true);
      expect((await connection(SHOP_A))!.eventCount).toBe(1);

      // EasyPost resends every scan with each update, and retries an event by its id: nothing counts twice
      const update = easypost.tracker(ONTRAC, [
        ...tracker.tracking_details,
        { datetime: "2026-11-05T14:00:00Z", status: "out_for_delivery", status_detail: "out_for_delivery", message: "Out for delivery", tracking_location: { city: "Las Vegas", state: "NV", country: "US", zip: null } },
      ]);
      update.est_delivery_date = "2026-11-05T23:00:00Z";
      expect((await easypost.sendEvent(urlA, SECRET_A, update, { id: "evt_repeat" })).status).toBe(200);
      expect((await easypost.sendEvent(urlA, SECRET_A, update, { id: "evt_repeat" })).status).toBe(200);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "out_for_delivery", eventCount: 4, estimatedDeliveryAt: Date.parse("2026-11-05T23:00:00Z") });
      expect(await app.db.selectFrom("WebhookDelivery").select("id").where("webhookId", "like", "%:evt_repeat").execute()).toHaveLength(1);
      // an older scan arriving late never overrides the newer one
      const late = easypost.tracker(ONTRAC, [{ datetime: "2026-11-04T12:00:00Z", status: "in_transit", status_detail: "arrived_at_facility", message: "Arrived", tracking_location: { city: "Reno", state: "NV", country: "US", zip: null } }]);
      await easypost.sendEvent(urlA, SECRET_A, late);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "out_for_delivery", eventCount: 5 });
    });

    it("the same scan from Shopify and from EasyPost counts once, whichever arrives first", async () => {
      const { order, f } = await ship(SHOP_A, "1Z999AA10123456785", "UPS", "#2003");
      // Shopify first: its copy stays, EasyPost's is retired
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed from Facility", happened_at: "2026-11-03T08:00:00-05:00", city: "Toronto", province: "Ontario", country: "Canada" }), { shop: SHOP_A });
      await app.settle();
      app.clock.advance(1000);
      await easypost.sendEvent(urlA, SECRET_A, easypost.tracker("1Z999AA10123456785", [
        { datetime: "2026-11-03T13:02:00Z", status: "in_transit", status_detail: "departed_facility", message: "Departed Facility", tracking_location: { city: "TORONTO", state: "ON", country: "CA", zip: null } },
      ], "UPS"));
      await app.settle();
      let s = await shipment(SHOP_A, "1Z999AA10123456785");
      expect(s).toMatchObject({ status: "in_transit", eventCount: 1 });
      let events = (await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events;
      expect(events.map((e) => e.source)).toEqual(["shopify_fulfillment_event"]);

      // EasyPost first: its copy stays, Shopify's is retired (and a redelivery of it stays retired)
      await easypost.sendEvent(urlA, SECRET_A, easypost.tracker(UPS, [
        { datetime: "2026-11-04T15:00:00Z", status: "out_for_delivery", status_detail: "out_for_delivery", message: "Out For Delivery", tracking_location: { city: "Ottawa", state: "ON", country: "CA", zip: null } },
      ], "UPS"));
      await app.settle();
      app.clock.advance(1000);
      const ups = await app.db.selectFrom("Fulfillment").select(["fulfillmentId", "orderId"]).where("shop", "=", SHOP_A).where("trackingNumbers", "like", `%${UPS}%`).executeTakeFirstOrThrow();
      const shopifyCopy = fulfillmentEventPayload(Number(ups.fulfillmentId), Number(ups.orderId), { status: "out_for_delivery", message: "Out For Delivery Today", happened_at: "2026-11-04T10:03:00-05:00", city: "Ottawa", province: "Ontario", country: "Canada" });
      await app.sendWebhook("fulfillment_events/create", shopifyCopy, { shop: SHOP_A });
      await app.sendWebhook("fulfillment_events/create", shopifyCopy, { shop: SHOP_A });
      await app.settle();
      s = await shipment(SHOP_A, UPS);
      expect(s).toMatchObject({ status: "out_for_delivery", eventCount: 1 });
      events = (await app.container.services.shipmentBrowser.shipmentDetail(SHOP_A, s.id))!.events;
      expect(events.map((e) => e.source)).toEqual(["easypost"]);
      // the shopper's timeline (contract) shows the one scan too
      const lookup = await app.container.services.lookup.lookup(SHOP_A, { kind: "tracking", tracking: UPS }, app.clock.now());
      expect(lookup.found && lookup.shipments[0]!.events).toHaveLength(1);
    });

    it("a forged, missing or another connection's signature: 401, nothing stored, no parcel changed", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      const deliveries = await deliveryCount();
      const tracker = easypost.tracker(ONTRAC, [{ datetime: "2026-11-06T10:00:00Z", status: "delivered", status_detail: "arrived_at_destination", message: "Delivered" }]);
      for (const options of [{ sign: false }, { signature: "hmac-sha256-hex=" + "0".repeat(64) }, { signature: easyPostSignature("{}", SECRET_A) }]) {
        const res = await easypost.sendEvent(urlA, SECRET_A, tracker, options);
        expect(res.status).toBe(401);
      }
      // shop B's secret does not sign for shop A's connection
      expect((await easypost.sendEvent(urlA, SECRET_B, tracker)).status).toBe(401);
      // nor NFKD skipped: the ligature secret as typed, not normalised, is not what EasyPost uses
      const raw = JSON.stringify({ object: "Event", description: "tracker.updated", result: tracker });
      const { createHmac } = await import("node:crypto");
      const unnormalised = `hmac-sha256-hex=${createHmac("sha256", Buffer.from(SECRET_A, "utf8")).update(raw).digest("hex")}`;
      expect((await fetch(urlA, { method: "POST", headers: { "x-hmac-signature": unnormalised }, body: raw })).status).toBe(401);
      expect((await fetch(`${app.url}/feeds/easypost/no-such-connection`, { method: "POST", headers: { "x-hmac-signature": easyPostSignature(raw, SECRET_A) }, body: raw })).status).toBe(404);
      await app.settle();
      expect(await deliveryCount()).toBe(deliveries);
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
    });

    it("another shop's connection never touches this shop's parcel: it is a number that shop does not have", async () => {
      const before = await shipment(SHOP_A, ONTRAC);
      const tracker = easypost.tracker(ONTRAC, [{ datetime: "2026-11-06T10:00:00Z", status: "delivered", status_detail: "arrived_at_destination", message: "Delivered" }]);
      expect((await easypost.sendEvent(urlB, SECRET_B, tracker)).status).toBe(200);
      await app.settle();
      expect(await shipment(SHOP_A, ONTRAC)).toEqual(before);
      expect(await connection(SHOP_B)).toMatchObject({ unknownTrackingCount: 1, lastUnknownTracking: ONTRAC });
    });

    it("a tracking number the shop does not have: answered 200, ignored and counted", async () => {
      const before = (await connection(SHOP_A))!.unknownTrackingCount;
      const res = await easypost.sendEvent(urlA, SECRET_A, easypost.tracker(UNKNOWN, [{ datetime: "2026-11-03T10:00:00Z", status: "in_transit", status_detail: "arrived_at_facility", message: "Arrived" }]));
      expect(res.status).toBe(200);
      await app.settle();
      expect(await connection(SHOP_A)).toMatchObject({ unknownTrackingCount: before + 1, lastUnknownTracking: UNKNOWN });
      const stored = await app.db.selectFrom("WebhookDelivery").select(["status", "error"]).where("shop", "=", SHOP_A).where("topic", "=", "feeds/easypost").orderBy("id", "desc").executeTakeFirstOrThrow();
      expect(stored).toMatchObject({ status: "ignored" });
      expect(await app.db.selectFrom("Shipment").select("id").where("trackingNumber", "=", UNKNOWN).execute()).toEqual([]);
    });

    it("an unknown EasyPost code lands in the unmapped inbox tagged easypost, and reads as unknown, not in transit", async () => {
      await easypost.sendEvent(urlA, SECRET_A, easypost.tracker(ONTRAC, [{ datetime: "2026-11-05T18:00:00Z", status: "in_transit", status_detail: "teleported", message: "Beamed up", tracking_location: { city: "Las Vegas", state: "NV", country: "US", zip: null } }]));
      await app.settle();
      const unmapped = await app.db.selectFrom("UnmappedStatusCode").selectAll().where("shop", "=", SHOP_A).where("source", "=", "easypost").execute();
      expect(unmapped).toEqual([expect.objectContaining({ code: "in_transit/teleported", count: 1, exampleMessage: "Beamed up" })]);
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("unknown");
      // mapping the code on the Status mapping page re-reads the stored scan
      const mapped = await app.container.services.statusMapping.mapCode(SHOP_A, { source: "easypost", code: "in_transit/teleported", status: "out_for_delivery" });
      expect(mapped).toMatchObject({ ok: true, changedEvents: 1 });
      expect((await shipment(SHOP_A, ONTRAC)).status).toBe("out_for_delivery");
    });

    it("a signed event that is not a tracker event is parked for replay, and replays once mended", async () => {
      const body = JSON.stringify({ object: "Event", id: "evt_malformed", description: "tracker.updated", result: { object: "Tracker", tracking_details: "none" } });
      const res = await fetch(urlA, { method: "POST", headers: { "content-type": "application/json", "x-hmac-signature": easyPostSignature(body, SECRET_A) }, body });
      expect(res.status).toBe(200);
      await app.settle();
      const parked = await app.db.selectFrom("WebhookDelivery").selectAll().where("webhookId", "like", "%evt_malformed").executeTakeFirstOrThrow();
      expect(parked).toMatchObject({ shop: SHOP_A, topic: "feeds/easypost", status: "failed" });
      expect(parked.error).toMatch(/not a Tracker.*tracking_code/);
      expect((await app.container.queue.listParked({ shop: SHOP_A })).some((j) => j.name === "process-delivery")).toBe(true);

      // an operator mends the stored body and replays it: it is merged like any other
      const mended = easypost.tracker(ONTRAC, [{ datetime: "2026-11-06T16:00:00Z", status: "delivered", status_detail: "arrived_at_destination", message: "Delivered, front door", tracking_location: { city: "Las Vegas", state: "NV", country: "US", zip: null } }]);
      await app.db.updateTable("WebhookDelivery").set({ body: JSON.stringify({ object: "Event", id: "evt_malformed", description: "tracker.updated", result: mended }) }).where("id", "=", parked.id).execute();
      expect(await app.container.replayFailedDeliveries(SHOP_A, [parked.id])).toBe(1);
      await app.settle();
      expect((await app.db.selectFrom("WebhookDelivery").select("status").where("id", "=", parked.id).executeTakeFirstOrThrow()).status).toBe("processed");
      expect(await shipment(SHOP_A, ONTRAC)).toMatchObject({ status: "delivered" });
    });
  });

  describe("register trackers for new parcels on the carriers the shop chose", () => {
    it("a new OnTrac parcel gets a tracker; EasyPost's 503 is retried with backoff; a UPS parcel (tracked by Shopify) gets none", async () => {
      easypost.failNext(503);
      const callsBefore = easypost.calls.length;
      await ship(SHOP_A, "C22222222222222", "OnTrac", "#2010");
      await ship(SHOP_A, "1Z999AA10123456786", "UPS", "#2011");
      await app.settle();
      const first = easypost.calls.slice(callsBefore).filter((c) => c.method === "POST");
      expect(first.map((c) => c.status)).toEqual([503]);
      // the retry waits for its backoff
      app.clock.advance(60 * 60_000);
      await app.settle();
      const posts = easypost.calls.slice(callsBefore).filter((c) => c.method === "POST");
      expect(posts.map((c) => c.status)).toEqual([503, 201]);
      expect(JSON.parse(posts[1]!.body)).toEqual({ tracker: { tracking_code: "C22222222222222", carrier: "OnTrac" } });
      expect(posts[1]!.apiKey).toBe("EZAK_alpha");
      expect(easypost.trackers.has("1Z999AA10123456786")).toBe(false);
    });

    it("a 429 is retried with backoff for as long as it lasts, and never parked early", async () => {
      easypost.setMode(429);
      const before = easypost.calls.length;
      await ship(SHOP_A, "C44444444444444", "OnTrac", "#2013");
      await app.settle();
      for (let i = 0; i < 3; i++) {
        app.clock.advance(2 * 60 * 60_000);
        await app.settle();
      }
      const posts = easypost.calls.slice(before).filter((c) => c.method === "POST");
      expect(posts.length).toBe(4);
      expect(posts.every((c) => c.status === 429)).toBe(true);
      expect((await app.container.queue.listParked({ shop: SHOP_A })).filter((j) => j.name === "register-easypost-tracker")).toEqual([]);
      easypost.setMode(null);
      app.clock.advance(2 * 60 * 60_000);
      await app.settle();
      expect(easypost.trackers.has("C44444444444444")).toBe(true);
    });

    it("EasyPost refusing the key: the job is parked with EasyPost's words and the connection marked failing", async () => {
      easypost.keys.delete("EZAK_alpha");
      await ship(SHOP_A, "C33333333333333", "OnTrac", "#2012");
      await app.settle();
      const parked = (await app.container.queue.listParked({ shop: SHOP_A })).find((j) => j.name === "register-easypost-tracker");
      expect(parked).toMatchObject({ payload: { trackingNumber: "C33333333333333", carrier: "ontrac" }, attempts: 1 });
      expect(parked!.lastError).toMatch(/EasyPost said \(401 APIKEY\.INACTIVE\)/);
      expect(await connection(SHOP_A)).toMatchObject({ status: "failing", lastError: expect.stringMatching(/APIKEY\.INACTIVE/) });

      // the key works again: a replay registers it and the connection recovers
      easypost.keys.add("EZAK_alpha");
      expect(await app.container.queue.replay({ shop: SHOP_A, ids: [parked!.id] })).toBe(1);
      await app.settle();
      expect(easypost.trackers.has("C33333333333333")).toBe(true);
      expect(await connection(SHOP_A)).toMatchObject({ status: "connected", lastError: null });
    });
  });
});
