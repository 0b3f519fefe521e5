import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeEasyPost, type FakeEasyPost, type FakeTracker } from "../../scripts/local-services/fake-easypost";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { fulfillmentEventPayload } from "../fixtures/shopify";
import { onTestServer, shipParcel } from "../support/feeds";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Feed health end to end: EasyPost events (signed, through the real pipeline) teach the shop's EasyPost × OnTrac feed
 * its norm; the feed then goes silent; the sweep marks it quiet, alerts operations once (the Slack stand-in), and
 * holds silence judgement for the OnTrac parcels that wait on it, while a UPS parcel tracked by Shopify's webhooks and
 * another shop's parcels are judged as usual; the feed's next event alerts once more and judgement resumes.
 */
const START = "2026-11-02T09:00:00Z"; // a Monday
const HOUR = 3_600_000;
const SECRET = "whsec-health";

describe("Feed health: a quiet feed is not a stalled parcel", () => {
  let app: TestApp;
  let easypost: FakeEasyPost;
  let providers: FakeProviders;
  const urls: Record<string, string> = {};
  const P1 = "C30000000000001"; // OnTrac, waits on the feed
  const P2 = "C30000000000002"; // OnTrac, the feed's busy parcel
  const U1 = "1Z999AA10123450001"; // UPS, tracked by Shopify's webhooks
  const B1 = "C30000000000003"; // OnTrac, another shop
  let busy: FakeTracker;

  const local = (webhookUrl: string) => onTestServer(app, webhookUrl);
  const iso = () => new Date(app.clock.now()).toISOString();
  const health = (shop: string) => app.db.selectFrom("FeedHealth").selectAll().where("shop", "=", shop).execute();
  const cases = async (shop: string, tracking: string) => {
    const s = await app.db.selectFrom("Shipment").select("id").where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
    return (await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", shop).where("shipmentId", "=", s.id).execute()).map((c) => `${c.type}:${c.status}`);
  };
  const posts = (name: string) =>
    providers
      .requests("slack")
      .filter((r) => r.status === 200 && r.path.endsWith(name))
      .map((r) => (JSON.parse(r.body) as { text: string }).text);
  async function sweepAt(ms: number) {
    app.clock.advance(ms);
    await app.container.services.sweep.run(500);
    app.container.queue.wake?.();
    await app.settle();
  }
  const ship = (shop: string, tracking: string, company: string, name: string) => shipParcel(app, shop, tracking, company, name);
  const scan = (status = "in_transit", detail = "arrived_at_facility") => ({ datetime: iso(), status, status_detail: detail, message: "Arrived at facility", tracking_location: { city: "Reno", state: "NV", country: "US", zip: null } });

  beforeAll(async () => {
    providers = await startFakeProviders();
    easypost = await startFakeEasyPost({ keys: ["EZAK_a", "EZAK_b"] });
    app = await startTestApp({ clock: fixedClock(START), env: { EASYPOST_API_BASE: easypost.url } });
    for (const [shop, key] of [[SHOP_A, "EZAK_a"], [SHOP_B, "EZAK_b"]] as const) {
      const token = (await app.container.services.supportApi.createKey(shop, "Ops")).key;
      const res = await fetch(`${app.url}/api/v1/feeds/easypost`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ apiKey: key, webhookSecret: SECRET }) });
      urls[shop] = local((await res.json()).webhookUrl);
      expect(await app.container.services.slaAlerts.saveRoutes(shop, { operations: { webhookUrl: providers.slackWebhookUrl(`ops-${shop.slice(0, 5)}`) } })).toEqual({ ok: true });
    }
    await ship(SHOP_A, P1, "OnTrac", "#5001");
    await ship(SHOP_A, P2, "OnTrac", "#5002");
    const { order, f } = await ship(SHOP_A, U1, "UPS", "#5003");
    await ship(SHOP_B, B1, "OnTrac", "#5004");
    await app.settle();
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed facility", happened_at: iso(), created_at: iso(), updated_at: iso() }), { shop: SHOP_A });
    await easypost.sendEvent(urls[SHOP_A]!, SECRET, easypost.tracker(P1, [scan()], "OnTrac"));
    await easypost.sendEvent(urls[SHOP_B]!, SECRET, easypost.tracker(B1, [scan()], "OnTrac"));
    await app.settle();
    // a day and more of the busy parcel's scans, two an hour: the feed's norm
    busy = easypost.tracker(P2, [scan()], "OnTrac");
    for (let i = 0; i < 56; i++) {
      app.clock.advance(HOUR / 2);
      busy.tracking_details.push({ ...busy.tracking_details[0]!, datetime: iso() });
      expect((await easypost.sendEvent(urls[SHOP_A]!, SECRET, busy)).status).toBe(200);
      await app.settle();
    }
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await easypost?.close();
    await providers?.close();
  });

  it("keeps a small rolling figure per shop × source × carrier as events are merged", async () => {
    const [row] = await health(SHOP_A);
    expect(row).toMatchObject({ source: "easypost", carrier: "ontrac", quietSince: null });
    expect(row!.eventCount).toBe(57);
    expect(row!.normPerHour).toBeGreaterThan(1.5);
    expect(row!.normPerHour).toBeLessThan(2.5);
    // the other shop's feed is its own figure, still learning
    expect(await health(SHOP_B)).toEqual([expect.objectContaining({ carrier: "ontrac", eventCount: 1, quietSince: null })]);
    const overview = await app.container.services.feedHealth.overview(SHOP_A);
    expect(overview).toEqual([expect.objectContaining({ source: "easypost", carrier: "ontrac", carrierName: "OnTrac", state: "fresh" })]);
  });

  it("silent past its norm: quiet, operations alerted once; OnTrac parcels waiting on it are not called stalled, the Shopify-tracked UPS parcel and the other shop's parcel are", async () => {
    await sweepAt(5 * HOUR);
    expect((await health(SHOP_A))[0]!.quietSince).toBeNull();
    await sweepAt(2 * HOUR);
    const [row] = await health(SHOP_A);
    expect(row!.quietSince).toBe(row!.lastEventAt + 6 * HOUR);
    expect(posts("ops-alpha")).toEqual([expect.stringContaining("EasyPost has gone quiet for OnTrac")]);
    expect(posts("ops-alpha")[0]).toMatch(/No event for 7 h; it usually sends 2 events an hour/);
    expect((await app.container.services.feedHealth.overview(SHOP_A))[0]).toMatchObject({ state: "quiet" });

    // days of silence: the sweep runs often, the alert stays one
    for (let i = 0; i < 8; i++) await sweepAt(12 * HOUR);
    expect(posts("ops-alpha")).toHaveLength(1);
    expect(await cases(SHOP_A, P1)).toEqual([]);
    expect(await cases(SHOP_A, P2)).toEqual([]);
    expect(await cases(SHOP_A, U1)).toEqual(["stalled:open"]);
    expect(await cases(SHOP_B, B1)).toEqual(["stalled:open"]);
    expect(posts("ops-bravo")).toEqual([]);
  });

  it("the feed's next event: alerted once more, and judgement resumes for the parcels it held", async () => {
    busy.tracking_details.push({ ...busy.tracking_details[0]!, datetime: iso() });
    expect((await easypost.sendEvent(urls[SHOP_A]!, SECRET, busy)).status).toBe(200);
    await app.settle();
    expect((await health(SHOP_A))[0]!.quietSince).toBeNull();
    app.container.queue.wake?.();
    await app.settle();
    expect(posts("ops-alpha")).toEqual([expect.stringContaining("gone quiet"), expect.stringContaining("EasyPost is sending again for OnTrac")]);
    // the parcel that got no news is judged again within the recheck
    await sweepAt(20 * 60_000);
    expect(await cases(SHOP_A, P1)).toEqual(["stalled:open"]);
    expect(await cases(SHOP_A, P2)).toEqual([]);
  });
});

/**
 * A parcel handed off to another carrier under a new number is followed by the feed that reported the hand-off (and
 * by the shop's other feeds): its news now comes from that feed even when the feed is not chosen for its first carrier.
 * When that feed goes quiet the parcel waits on it like a chosen carrier's parcel, while a parcel of the same carrier
 * that Shopify still tracks, and that was never handed off, is judged as usual.
 */
describe("Feed health: a handed-off parcel waits on the feed that follows its next leg", () => {
  let app: TestApp;
  let easypost: FakeEasyPost;
  let providers: FakeProviders;
  let url = "";
  const HANDED = "1Z999AA10123456784"; // UPS, handed to USPS; EasyPost reported it and follows it
  const NEXT = "9400111202555842332669"; // its USPS leg
  const TRACKED = "1Z999AA10123450001"; // UPS, tracked by Shopify's webhooks, never handed off

  const iso = () => new Date(app.clock.now()).toISOString();
  const cases = async (tracking: string) => {
    const s = await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_A).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
    return (await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", SHOP_A).where("shipmentId", "=", s.id).execute()).map((c) => `${c.type}:${c.status}`);
  };
  async function sweepAt(ms: number) {
    app.clock.advance(ms);
    await app.container.services.sweep.run(500);
    app.container.queue.wake?.();
    await app.settle();
  }
  const scan = (message: string, detail: string) => ({ datetime: iso(), status: "in_transit", status_detail: detail, message, tracking_location: { city: "Fresno", state: "CA", country: "US", zip: null } });

  beforeAll(async () => {
    providers = await startFakeProviders();
    easypost = await startFakeEasyPost({ keys: ["EZAK_legs"] });
    app = await startTestApp({ clock: fixedClock(START), env: { EASYPOST_API_BASE: easypost.url } });
    const token = (await app.container.services.supportApi.createKey(SHOP_A, "Ops")).key;
    // EasyPost connected with its default carriers (those Shopify does not track): UPS is not one of them
    const res = await fetch(`${app.url}/api/v1/feeds/easypost`, { method: "PUT", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ apiKey: "EZAK_legs", webhookSecret: SECRET }) });
    expect(res.status).toBe(200);
    url = onTestServer(app, (await res.json()).webhookUrl);
    expect(await app.container.services.slaAlerts.saveRoutes(SHOP_A, { operations: { webhookUrl: providers.slackWebhookUrl("ops-legs") } })).toEqual({ ok: true });
    for (const [tracking, name] of [[HANDED, "#6001"], [TRACKED, "#6002"]] as const) {
      const { order, f } = await ship(tracking, name);
      await app.settle();
      await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed facility", happened_at: iso(), created_at: iso(), updated_at: iso() }), { shop: SHOP_A });
    }
    await app.settle();
    // UPS hands the parcel to USPS; EasyPost says so, and goes on sending its scans, two an hour for more than a day
    const tracker = easypost.tracker(HANDED, [scan("Package transferred to the destination carrier", "transferred_to_destination_carrier")], "UPS");
    easypost.handOff(tracker, NEXT);
    expect((await easypost.sendEvent(url, SECRET, tracker)).status).toBe(200);
    await app.settle();
    for (let i = 0; i < 56; i++) {
      app.clock.advance(HOUR / 2);
      tracker.tracking_details.push(scan("Arrived at USPS facility", "arrived_at_facility"));
      expect((await easypost.sendEvent(url, SECRET, tracker)).status).toBe(200);
      await app.settle();
    }
    const legs = await app.db.selectFrom("ShipmentLeg").select(["carrierCode", "trackingNumber"]).where("shop", "=", SHOP_A).execute();
    expect(legs).toEqual([{ carrierCode: "usps", trackingNumber: NEXT }]);
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await easypost?.close();
    await providers?.close();
  });
  const ship = (tracking: string, name: string) => shipParcel(app, SHOP_A, tracking, "UPS", name);

  it("EasyPost goes quiet: the handed-off parcel is held, not called stalled; the UPS parcel Shopify tracks is", async () => {
    await sweepAt(7 * HOUR);
    const [row] = await app.db.selectFrom("FeedHealth").selectAll().where("shop", "=", SHOP_A).execute();
    expect(row).toMatchObject({ source: "easypost", carrier: "ups" });
    expect(row!.quietSince).not.toBeNull();
    for (let i = 0; i < 8; i++) await sweepAt(12 * HOUR);
    expect(await cases(HANDED)).toEqual([]);
    expect(await cases(TRACKED)).toEqual(["stalled:open"]);
  });

  it("EasyPost sends again: judgement resumes for the parcel it held", async () => {
    const tracker = easypost.trackers.get(HANDED)!;
    tracker.tracking_details.push(scan("Arrived at USPS facility", "arrived_at_facility"));
    expect((await easypost.sendEvent(url, SECRET, tracker)).status).toBe(200);
    await app.settle();
    expect(await cases(HANDED)).toEqual([]);
    // days with nothing more: judged again, and by now past its promise
    for (let i = 0; i < 8; i++) await sweepAt(12 * HOUR);
    expect(await cases(HANDED)).toEqual(["late:open"]);
  });
});
