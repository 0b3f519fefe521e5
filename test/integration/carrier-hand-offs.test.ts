import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeCarrierApis, type FakeCarrierApis, type FakeScan } from "../../scripts/local-services/fake-carrier-apis";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const H = 3_600_000;

/**
 * Multi-leg parcels from a carrier's Track API: a UPS Mail Innovations package names its USPS number in
 * `alternateTrackingNumber[]`. Polled through the carriers' stand-in (UPS_API_BASE, USPS_API_BASE) on a held clock, the
 * USPS number becomes the parcel's next leg, the shop's USPS account polls it, and its scans land on the same shipment.
 */
describe("Direct carrier tracking: a UPS → USPS hand-off", () => {
  let app: TestApp;
  let fake: FakeCarrierApis;
  const clock = fixedClock("2026-11-03T12:00:00Z");
  const UPS = "1Z999AA10123450077";
  const USPS = "9400111202555842332669";

  const shipment = (shop: string, tracking: string) => app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  const schedule = (shop: string, carrier: string, tracking: string) =>
    app.db.selectFrom("CarrierPoll").selectAll().where("shop", "=", shop).where("carrier", "=", carrier).where("trackingNumber", "=", tracking).executeTakeFirst();
  const scan = (code: string, message: string, at: number, city: string, state: string): FakeScan => ({ code, message, at: new Date(at).toISOString(), city, state, country: "US" });
  const poll = async () => {
    const result = await app.container.services.carriers.pollDue(50);
    await app.settle();
    return result;
  };

  beforeAll(async () => {
    fake = await startFakeCarrierApis();
    fake.accounts.ups.set("ups-alpha", "ups-secret");
    fake.accounts.usps.set("usps-alpha", "usps-secret");
    app = await startTestApp({ clock, worker: false, env: { UPS_API_BASE: fake.url, USPS_API_BASE: fake.url, FEDEX_API_BASE: fake.url, DHL_API_BASE: fake.url } });
    app.container.queue.start(app.container.jobs);
    expect(await app.container.services.carriers.connect(SHOP_A, "ups", { clientId: "ups-alpha", clientSecret: "ups-secret", polling: true })).toEqual({ ok: true });
    expect(await app.container.services.carriers.connect(SHOP_A, "usps", { clientId: "usps-alpha", clientSecret: "usps-secret", polling: true })).toEqual({ ok: true });
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await fake?.close();
  });

  it("UPS alternateTrackingNumber adds the USPS leg, the USPS account polls it, and its scans join the one timeline", async () => {
    fake.parcel("ups", UPS, [scan("I/OR", "Origin Scan", clock.now() - 20 * H, "Atlanta", "GA"), scan("I/DP", "Departed from Facility", clock.now() - 2 * H, "Atlanta", "GA")]);
    fake.handOff("ups", UPS, { number: USPS });
    const order = orderPayload({ id: newId(), name: "#8101" });
    await app.sendWebhook("orders/create", order, { shop: SHOP_A });
    await app.sendWebhook("fulfillments/create", fulfillmentPayload(order.id, { name: "#8101.1", tracking_company: "UPS", tracking_number: UPS, tracking_numbers: [UPS], tracking_url: null, tracking_urls: [] }), { shop: SHOP_A });
    await app.settle();
    await poll();

    const parcel = await shipment(SHOP_A, UPS);
    expect(parcel).toMatchObject({ eventCount: 2, handedOffAt: clock.now() });
    expect(await app.db.selectFrom("ShipmentLeg").selectAll().where("shop", "=", SHOP_A).execute()).toEqual([
      expect.objectContaining({ shipmentId: parcel.id, position: 1, carrierCode: "usps", trackingNumber: USPS, source: "ups_api" }),
    ]);
    // the shop polls USPS: the new number is scheduled with its USPS account, at once
    expect(await schedule(SHOP_A, "usps", USPS)).toMatchObject({ state: "active", nextPollAt: clock.now() });

    // USPS's scans for its number land on the UPS parcel, under USPS's own source; no second parcel appears
    fake.parcel("usps", USPS, [scan("10", "Arrived at USPS Regional Facility", clock.now() - H, "Macon", "GA"), scan("OF", "Out for Delivery", clock.now() - 10 * 60_000, "Macon", "GA")]);
    await poll();
    const after = await shipment(SHOP_A, UPS);
    expect(after).toMatchObject({ id: parcel.id, status: "out_for_delivery", eventCount: 4 });
    const sources = (await app.db.selectFrom("ShipmentEvent").select("source").where("shop", "=", SHOP_A).where("fulfillmentId", "=", parcel.fulfillmentId).execute()).map((e) => e.source);
    expect(sources.sort()).toEqual(["ups_api", "ups_api", "usps_api", "usps_api"]);
    expect(await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_A).where("trackingNumber", "=", USPS).execute()).toEqual([]);

    // the next poll of UPS repeats the hand-off: still one leg
    clock.advance(7 * H);
    await poll();
    expect(await app.db.selectFrom("ShipmentLeg").selectAll().where("shop", "=", SHOP_A).execute()).toHaveLength(1);
    // and the other shop has nothing of it
    expect(await app.db.selectFrom("ShipmentLeg").selectAll().where("shop", "=", SHOP_B).execute()).toEqual([]);
  }, 120_000);
});
