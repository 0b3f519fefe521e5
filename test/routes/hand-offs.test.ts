import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeAfterShip, type FakeAfterShip } from "../../scripts/local-services/fake-aftership";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { onTestServer, shipParcel } from "../support/feeds";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Multi-leg parcels end to end: a real server over a real SQLite file, the AfterShip and EasyPost stand-ins on their own
 * ports, every feed event signed as the provider signs it. A hand-off the feed reports (AfterShip `next_couriers`,
 * EasyPost `carrier_detail.alternate_identifier`) adds the next carrier's number as a leg of the same shipment; that
 * number's scans land on the one timeline, a shopper looking it up finds the parcel, and silence waits for the next
 * carrier's first scan.
 */
const START = "2026-11-02T09:00:00Z"; // a Monday
const HOUR = 3_600_000;
const SECRET = "whsec-legs";

describe("Multi-leg parcels: a hand-off joins the next carrier's number to the parcel", () => {
  let app: TestApp;
  let aftership: FakeAfterShip;
  let easypost: FakeEasyPost;
  const urls: Record<string, { aftership: string; easypost?: string }> = {};

  const DHL_ECOM = "GM2951173225174494"; // DHL eCommerce, handed to USPS (AfterShip)
  const USPS_NEXT = "9400111202555842332669";
  const UPS_MI = "1Z999AA10123456784"; // UPS, handed to USPS (EasyPost)
  const USPS_SHARED = "9400111202555842332676"; // A's next leg, and shop B's own parcel
  const QUIET = "GM2951173225170001"; // handed off, then two quiet days
  const CONTROL = "GM2951173225170002"; // the same days without a hand-off

  const iso = (offsetMs = 0) => new Date(app.clock.now() + offsetMs).toISOString();
  const shipment = (shop: string, tracking: string) => app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  const legs = (shop: string) => app.db.selectFrom("ShipmentLeg").selectAll().where("shop", "=", shop).orderBy("id").execute();
  const shipmentCount = async (shop: string) => Number((await app.db.selectFrom("Shipment").select((eb) => eb.fn.countAll().as("n")).where("shop", "=", shop).executeTakeFirstOrThrow()).n);
  const events = async (shop: string, tracking: string) => {
    const s = await shipment(shop, tracking);
    return (await app.container.services.shipmentBrowser.shipmentDetail(shop, s.id))!.events;
  };
  const cases = async (shop: string, tracking: string) => {
    const s = await shipment(shop, tracking);
    return (await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", shop).where("shipmentId", "=", s.id).execute()).map((c) => `${c.type}:${c.status}`);
  };
  const failedDeliveries = async () => app.db.selectFrom("WebhookDelivery").select(["topic", "error"]).where("status", "=", "failed").execute();
  async function sweepAt(ms: number) {
    app.clock.advance(ms);
    await app.container.services.sweep.run(500);
    app.container.queue.wake?.();
    await app.settle();
  }
  async function connect(shop: string, provider: "aftership" | "easypost", apiKey: string) {
    const token = (await app.container.services.supportApi.createKey(shop, `Ops ${provider}`)).key;
    const res = await fetch(`${app.url}/api/v1/feeds/${provider}`, {
      method: "PUT",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ apiKey, webhookSecret: SECRET }),
    });
    expect(res.status).toBe(200);
    return onTestServer(app, (await res.json()).webhookUrl);
  }
  const checkpoint = (message: string, subtag: string, city: string, at = iso()) => ({ checkpoint_time: at, tag: subtag.split("_")[0]!, subtag, message, city, state: "CA", country_region: "USA" });
  const detail = (message: string, status: string, statusDetail: string, city: string, at = iso()) => ({
    datetime: at,
    message,
    status,
    status_detail: statusDetail,
    tracking_location: { city, state: "CA", country: "US", zip: null },
  });

  beforeAll(async () => {
    aftership = await startFakeAfterShip({ keys: ["asat_a", "asat_b"] });
    easypost = await startFakeEasyPost({ keys: ["EZAK_a"] });
    app = await startTestApp({ clock: fixedClock(START), env: { AFTERSHIP_API_BASE: aftership.url, EASYPOST_API_BASE: easypost.url } });
    urls[SHOP_A] = { aftership: await connect(SHOP_A, "aftership", "asat_a"), easypost: await connect(SHOP_A, "easypost", "EZAK_a") };
    urls[SHOP_B] = { aftership: await connect(SHOP_B, "aftership", "asat_b") };
    await shipParcel(app, SHOP_A, DHL_ECOM, "DHL eCommerce", "#7001");
    await shipParcel(app, SHOP_A, UPS_MI, "UPS", "#7002");
    await shipParcel(app, SHOP_B, USPS_SHARED, "USPS", "#9001");
    await app.settle();
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await aftership?.close();
    await easypost?.close();
  });

  it("AfterShip next_couriers: the USPS number becomes the parcel's second leg, once, and EasyPost is asked to track it", async () => {
    const tracking = aftership.tracking(DHL_ECOM, [
      checkpoint("Picked up", "InTransit_002", "Los Angeles", iso(-2 * HOUR)),
      checkpoint("Tendered to USPS for delivery", "InTransit_003", "Ontario", iso(-HOUR)),
    ]);
    aftership.handOff(tracking, { slug: "usps", trackingNumber: "9400 1112 0255 5842 3326 69" });
    expect((await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, tracking)).status).toBe(200);
    await app.settle();
    expect(await legs(SHOP_A)).toEqual([
      expect.objectContaining({ position: 1, carrierCode: "usps", carrierName: "USPS", trackingNumber: USPS_NEXT, source: "aftership" }),
    ]);
    const parcel = await shipment(SHOP_A, DHL_ECOM);
    expect(parcel).toMatchObject({ status: "in_transit", eventCount: 2, handedOffAt: app.clock.now() });
    // the other connected feed follows the new number; AfterShip, which reported it, follows it already
    expect(easypost.trackers.get(USPS_NEXT)).toMatchObject({ tracking_code: USPS_NEXT, carrier: "USPS" });
    expect(aftership.calls.filter((c) => c.method === "POST")).toEqual([]);

    // the same hand-off again (AfterShip resends the whole tracking with every update): one leg
    app.clock.advance(60_000);
    expect((await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, tracking)).status).toBe(200);
    await app.settle();
    expect(await legs(SHOP_A)).toHaveLength(1);
    expect((await shipment(SHOP_A, DHL_ECOM)).eventCount).toBe(2);
  });

  it("the next leg's scans land on the same shipment, each keeping its source; the story reads from the merged timeline", async () => {
    const before = await shipmentCount(SHOP_A);
    app.clock.advance(5 * HOUR);
    const ofd = iso();
    const usps = easypost.tracker(USPS_NEXT, [detail("Arrived at USPS Regional Facility", "in_transit", "arrived_at_facility", "Santa Ana", iso(-3 * HOUR)), detail("Out for Delivery", "out_for_delivery", "out_for_delivery", "Irvine", ofd)], "USPS");
    expect((await easypost.sendEvent(urls[SHOP_A]!.easypost!, SECRET, usps)).status).toBe(200);
    await app.settle();
    expect(await shipmentCount(SHOP_A)).toBe(before);
    expect(await shipment(SHOP_A, DHL_ECOM)).toMatchObject({ status: "out_for_delivery", eventCount: 4 });
    expect((await events(SHOP_A, DHL_ECOM)).map((e) => `${e.source}:${e.status}`)).toEqual(["easypost:out_for_delivery", "easypost:in_transit", "aftership:in_transit", "aftership:picked_up"]);
    expect(await failedDeliveries()).toEqual([]);

    // AfterShip follows the hand-off inside the first tracking: its copy of the same USPS scan counts once (0011)
    app.clock.advance(60_000);
    const first = aftership.trackings.get(DHL_ECOM)!;
    first.checkpoints.push(checkpoint("Out for delivery", "OutForDelivery_001", "IRVINE", new Date(Date.parse(ofd) + 2 * 60_000).toISOString()));
    expect((await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, first)).status).toBe(200);
    await app.settle();
    expect(await shipment(SHOP_A, DHL_ECOM)).toMatchObject({ status: "out_for_delivery", eventCount: 4 });
  });

  it("a shopper looking up the new number finds the same parcel, with the hand-off as one plain line of its timeline", async () => {
    const res = await fetch(app.proxyUrl({ tracking: USPS_NEXT }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.order).toEqual({ name: "#7001" });
    expect(body.shipments).toHaveLength(1);
    expect(body.shipments[0]).toMatchObject({ trackingNumber: DHL_ECOM, status: "out_for_delivery" });
    const lines: { message: string; status: string; location: string | null }[] = body.shipments[0].events;
    expect(lines.filter((e) => e.message === `Handed to USPS, tracking ${USPS_NEXT}`)).toEqual([expect.objectContaining({ status: "in_transit", location: null })]);
    expect(lines).toHaveLength(5);
    // the parcel's own number answers the same
    const own = await (await fetch(app.proxyUrl({ tracking: DHL_ECOM }))).json();
    expect(own.shipments[0].events).toEqual(lines);
    // support asks by the new number and reads the same parcel, the same lines
    const key = (await app.container.services.supportApi.createKey(SHOP_A, "Helpdesk")).key;
    const support = await fetch(`${app.url}/api/v1/shipments?tracking=${USPS_NEXT}`, { headers: { authorization: `Bearer ${key}` } });
    expect(support.status).toBe(200);
    const answer = await support.json();
    expect(answer.shipments).toEqual([expect.objectContaining({ orderName: "#7001", trackingNumber: DHL_ECOM, events: lines })]);
    // the tracking page itself (GET /proxy, signed the same way: the signature covers the query) writes the line too
    const page = await fetch(app.proxyUrl({ tracking: USPS_NEXT }).replace("/proxy/lookup?", "/proxy?"));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`Handed to USPS, tracking ${USPS_NEXT}`);
  });

  it("EasyPost carrier_detail.alternate_identifier: a hand-off in one shop never touches another shop's parcel with that number", async () => {
    const tracker = easypost.tracker(UPS_MI, [detail("Package handed to the local post office", "in_transit", "transferred_to_destination_carrier", "Fresno")], "UPS");
    easypost.handOff(tracker, USPS_SHARED);
    expect((await easypost.sendEvent(urls[SHOP_A]!.easypost!, SECRET, tracker)).status).toBe(200);
    await app.settle();
    const a = await shipment(SHOP_A, UPS_MI);
    expect((await legs(SHOP_A)).filter((l) => l.shipmentId === a.id)).toEqual([expect.objectContaining({ position: 1, carrierCode: "usps", trackingNumber: USPS_SHARED, source: "easypost" })]);
    expect(await legs(SHOP_B)).toEqual([]);

    // shop B's own parcel with that number: its scans stay B's, and A's parcel does not move
    app.clock.advance(HOUR);
    const bTracking = aftership.tracking(USPS_SHARED, [checkpoint("Delivered, In/At Mailbox", "Delivered_001", "Oakland")], "usps");
    expect((await aftership.sendWebhook(urls[SHOP_B]!.aftership, SECRET, bTracking)).status).toBe(200);
    await app.settle();
    expect(await shipment(SHOP_B, USPS_SHARED)).toMatchObject({ status: "delivered", eventCount: 1 });
    expect(await shipment(SHOP_A, UPS_MI)).toMatchObject({ status: "in_transit", eventCount: 1 });

    // the same number's scans sent to shop A land on A's parcel (a leg there), not on B's
    app.clock.advance(HOUR);
    const aTracking = aftership.tracking(USPS_SHARED, [checkpoint("Arrived at USPS Facility", "InTransit_007", "Fresno")], "usps");
    expect((await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, aTracking)).status).toBe(200);
    await app.settle();
    expect(await shipment(SHOP_A, UPS_MI)).toMatchObject({ eventCount: 2 });
    expect(await shipment(SHOP_B, USPS_SHARED)).toMatchObject({ status: "delivered", eventCount: 1 });
    // B's lookup of its number is B's parcel; A's lookup of the same number is A's
    expect((await (await fetch(app.proxyUrl({ tracking: USPS_SHARED }, { shop: SHOP_B }))).json()).order).toEqual({ name: "#9001" });
    expect((await (await fetch(app.proxyUrl({ tracking: USPS_SHARED }))).json()).order).toEqual({ name: "#7002" });
  });

  it("a malformed hand-off field is ignored: the scans are merged, nothing is parked, no leg is added", async () => {
    const before = (await legs(SHOP_A)).length;
    app.clock.advance(HOUR);
    const t = aftership.tracking(DHL_ECOM, [...aftership.trackings.get(DHL_ECOM)!.checkpoints, checkpoint("Delivered", "Delivered_001", "Irvine")]);
    (t as unknown as Record<string, unknown>).next_couriers = [{ slug: 42, tracking_number: { evil: true } }, { slug: "usps", tracking_number: "<script>" }, "nonsense", { slug: "usps" }];
    expect((await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, t)).status).toBe(200);
    const ep = easypost.tracker(UPS_MI, [...easypost.trackers.get(UPS_MI)!.tracking_details, detail("Arrived at facility", "in_transit", "arrived_at_facility", "Visalia")], "UPS");
    (ep as unknown as Record<string, unknown>).carrier_detail = "not an object";
    expect((await easypost.sendEvent(urls[SHOP_A]!.easypost!, SECRET, ep)).status).toBe(200);
    const ep2 = easypost.tracker(UPS_MI, [...ep.tracking_details], "UPS");
    (ep2 as unknown as Record<string, unknown>).carrier_detail = { alternate_identifier: 94001112025558 };
    expect((await easypost.sendEvent(urls[SHOP_A]!.easypost!, SECRET, ep2)).status).toBe(200);
    await app.settle();
    expect(await failedDeliveries()).toEqual([]);
    expect(await legs(SHOP_A)).toHaveLength(before);
    expect(await shipment(SHOP_A, DHL_ECOM)).toMatchObject({ status: "delivered" });
    expect(await shipment(SHOP_A, UPS_MI)).toMatchObject({ eventCount: 3 });
  });

  it("between carriers is not stalled: two quiet days after a hand-off open no case, where the same days without one do", async () => {
    await shipParcel(app, SHOP_A, QUIET, "DHL eCommerce", "#7003");
    await shipParcel(app, SHOP_A, CONTROL, "DHL eCommerce", "#7004");
    await app.settle();
    const handedOff = aftership.tracking(QUIET, [checkpoint("Picked up", "InTransit_002", "Los Angeles", iso(-HOUR)), checkpoint("Tendered to USPS", "InTransit_003", "Ontario")]);
    aftership.handOff(handedOff, { slug: "usps", trackingNumber: "9400111202555842332683" });
    await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, handedOff);
    await aftership.sendWebhook(urls[SHOP_A]!.aftership, SECRET, aftership.tracking(CONTROL, [checkpoint("Picked up", "InTransit_002", "Los Angeles", iso(-HOUR)), checkpoint("Departed facility", "InTransit_003", "Ontario")]));
    await app.settle();
    expect((await legs(SHOP_A)).map((l) => l.trackingNumber)).toContain("9400111202555842332683");
    // two days and a little more of silence (the default stalled rule: 48 business hours since the last scan)
    for (let i = 0; i < 5; i++) await sweepAt(10 * HOUR);
    expect(await cases(SHOP_A, CONTROL)).toEqual(["stalled:open"]);
    expect(await cases(SHOP_A, QUIET)).toEqual([]);
    // the grace is a day or two, not a pass: still nothing from the next carrier two days later is stalled
    for (let i = 0; i < 6; i++) await sweepAt(10 * HOUR);
    expect(await cases(SHOP_A, QUIET)).toEqual(["stalled:open"]);
  }, 120_000);
});
