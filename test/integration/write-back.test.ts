import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../scripts/local-services/fake-shopify-admin";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const TOKENS: Record<string, string> = { [SHOP_A]: "shpat_alpha_write_back", [SHOP_B]: "shpat_bravo_write_back" };
const SECRET = "whsec-write-back";
const DELAY_MS = 600_000;

/**
 * Write-back (issue 11, docs/decisions/0018): scans an EasyPost feed brings are written to Shopify with
 * fulfillmentEventCreate, for shops that opted in, after a delay, once each; never Shopify's own events, never a
 * parcel Shopify tracks itself; Shopify's echo of a written scan counts once. Real server, real SQLite, the EasyPost
 * and Admin GraphQL stand-ins, signatures computed as the providers compute them.
 */
describe("write-back: feed scans to Shopify", () => {
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let app: TestApp;
  let easypost: FakeEasyPost;
  let admin: FakeShopifyAdmin;
  const feedUrl: Record<string, string> = {};

  const written = (shop = SHOP_A) => admin.createdEvents.filter((e) => e.shop === shop);
  const local = (url: string) => url.replace("https://shipwatch.test", app.url);

  /** an order with one parcel, known to Shopify's stand-in (so fulfillmentEventCreate finds its fulfillment) */
  async function ship(shop: string, name: string, tracking: string, company: string, known = true) {
    const order = orderPayload({ id: newId(), name });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: company, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: null, tracking_urls: [] });
    if (known) admin.upsertOrder(shop, { id: `gid://shopify/Order/${order.id}`, updatedAt: "2026-11-26T10:00:00Z", createdAt: "2026-11-26T09:00:00Z", fulfillments: [{ id: `gid://shopify/Fulfillment/${f.id}` }] });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    return { order, f };
  }
  const scan = (datetime: string, status: string, detail: string, message: string, city: string) => ({
    datetime,
    status,
    status_detail: detail,
    message,
    tracking_location: { city, state: "NV", country: "US", zip: null },
  });
  /** waits out the write-back delay and works what is due */
  async function afterDelay() {
    await app.settle();
    clock.set(clock.now() + DELAY_MS + 1_000);
    await app.settle();
  }

  beforeAll(async () => {
    easypost = await startFakeEasyPost({ keys: ["EZAK_alpha", "EZAK_bravo"] });
    admin = await startFakeShopifyAdmin();
    app = await startTestApp({
      clock,
      env: { EASYPOST_API_BASE: easypost.url, SHOPIFY_ADMIN_API_BASE: admin.url, WRITE_BACK_DELAY_SECONDS: String(DELAY_MS / 1000), RECONCILE_INTERVAL_MINUTES: "0" },
    });
    for (const shop of [SHOP_A, SHOP_B]) {
      await app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${shop}`, shop, state: "test", isOnline: false, scope: "write_fulfillments", accessToken: TOKENS[shop] }));
      admin.addShop(shop, TOKENS[shop]!);
      const connected = await app.container.services.feeds.connect(shop, { apiKey: shop === SHOP_A ? "EZAK_alpha" : "EZAK_bravo", webhookSecret: SECRET }, "easypost");
      if (!connected.ok) throw new Error(connected.message);
      feedUrl[shop] = local(connected.webhookUrl);
    }
  });
  afterAll(async () => {
    await app?.close();
    await easypost?.close();
    await admin?.close();
  });

  it("off by default: a feed scan stays in Shipwatch", async () => {
    await ship(SHOP_A, "#5101", "C10000000000001", "OnTrac");
    const tracker = easypost.tracker("C10000000000001", [scan("2026-11-26T12:00:00Z", "in_transit", "received_at_origin_facility", "Package received", "Reno")]);
    expect((await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, tracker)).status).toBe(200);
    await afterDelay();
    expect(written()).toEqual([]);
    expect(await app.container.services.writeBack.summary(SHOP_A, 0)).toMatchObject({ enabled: false, written: 0 });
  });

  it("on: each new scan is written once, after the delay, with its place; Shopify's echo counts once and is never written back", async () => {
    await app.container.services.writeBack.setEnabled(SHOP_A, true);
    const { order, f } = await ship(SHOP_A, "#5102", "C10000000000002", "OnTrac");
    const first = scan("2026-11-26T13:00:00Z", "in_transit", "received_at_origin_facility", "Package received", "Sacramento");
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("C10000000000002", [first]));
    await app.settle();
    // queued for later: Shopify's own relay of the scan gets the delay to arrive first
    expect(written()).toEqual([]);
    await afterDelay();
    expect(written()).toHaveLength(1);
    expect(written()[0]!.input).toEqual({
      fulfillmentId: `gid://shopify/Fulfillment/${f.id}`,
      status: "CARRIER_PICKED_UP",
      happenedAt: "2026-11-26T13:00:00.000Z",
      message: "Package received",
      city: "Sacramento",
      province: "NV",
      country: "US",
      estimatedDeliveryAt: null,
    });

    // EasyPost resends the whole history with the next scan: only the new scan is written
    const second = scan("2026-11-26T14:30:00Z", "out_for_delivery", "out_for_delivery", "Out for delivery", "Las Vegas");
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("C10000000000002", [first, second]));
    await afterDelay();
    expect(written().map((e) => e.input.status)).toEqual(["CARRIER_PICKED_UP", "OUT_FOR_DELIVERY"]);

    // Shopify sends each created event back as fulfillment_events/create: the same scan, retired as a second copy
    const echo = fulfillmentEventPayload(f.id, order.id, { status: "out_for_delivery", message: "Out for delivery", happened_at: "2026-11-26T14:30:00Z", city: "Las Vegas", province: "NV", country: "US" });
    expect((await app.sendWebhook("fulfillment_events/create", echo)).status).toBe(200);
    await afterDelay();
    const events = await app.db.selectFrom("ShipmentEvent").select(["source", "status", "deletedAt"]).where("shop", "=", SHOP_A).where("fulfillmentId", "=", String(f.id)).execute();
    expect(events.filter((e) => e.deletedAt === null).map((e) => [e.source, e.status])).toEqual([
      ["easypost", "picked_up"],
      ["easypost", "out_for_delivery"],
    ]);
    expect(events.filter((e) => e.source === "shopify_fulfillment_event").map((e) => e.deletedAt !== null)).toEqual([true]);
    // nothing more reaches Shopify, however often the feed repeats itself
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("C10000000000002", [first, second]));
    await afterDelay();
    expect(written()).toHaveLength(2);
    expect(await app.container.services.writeBack.summary(SHOP_A, 0)).toMatchObject({ enabled: true, written: 2, failed: 0 });
  });

  it("a parcel Shopify relays scans for is left to Shopify", async () => {
    const before = written().length;
    const { order, f } = await ship(SHOP_A, "#5103", "1Z999AA10123456784", "UPS");
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed", happened_at: "2026-11-26T11:00:00Z", city: "Louisville" }));
    await app.settle();
    // EasyPost also tracks it, and has a scan Shopify has not relayed yet
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("1Z999AA10123456784", [scan("2026-11-26T14:00:00Z", "out_for_delivery", "out_for_delivery", "Out for delivery", "Reno")], "UPS"));
    await afterDelay();
    expect(written()).toHaveLength(before);
    const rows = await app.db.selectFrom("ScanWriteBack").select(["status", "error"]).where("shop", "=", SHOP_A).where("fulfillmentId", "=", String(f.id)).execute();
    expect(rows).toEqual([{ status: "skipped", error: "Shopify relays this parcel's scans itself" }]);
  });

  it("Shopify refusing is kept with its words and parked; Shopify busy is retried", async () => {
    const before = written().length;
    await ship(SHOP_A, "#5104", "C10000000000004", "OnTrac", false);
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("C10000000000004", [scan("2026-11-26T14:00:00Z", "in_transit", "arrived_at_facility", "Arrived", "Reno")]));
    await afterDelay();
    expect(written()).toHaveLength(before);
    expect((await app.container.services.writeBack.summary(SHOP_A, 0)).lastError).toMatch(/Fulfillment does not exist/);
    const parked = await app.db.selectFrom("Job").select(["name", "status", "lastError"]).where("shop", "=", SHOP_A).where("name", "=", "write-back-scan").where("status", "=", "failed").execute();
    expect(parked).toHaveLength(1);

    await ship(SHOP_A, "#5105", "C10000000000005", "OnTrac");
    admin.failNext(2, { status: 503 }, "event");
    await easypost.sendEvent(feedUrl[SHOP_A]!, SECRET, easypost.tracker("C10000000000005", [scan("2026-11-26T14:10:00Z", "in_transit", "arrived_at_facility", "Arrived", "Reno")]));
    await afterDelay();
    expect(written()).toHaveLength(before + 1);
    expect(admin.requests.filter((r) => r.kind === "event" && r.injected)).toHaveLength(2);
  });

  it("one shop's choice and scans never reach another shop's orders", async () => {
    // bravo has not opted in: its feed's scans stay in Shipwatch, and alpha's writes went with alpha's token only
    await ship(SHOP_B, "#5201", "C20000000000001", "OnTrac");
    await easypost.sendEvent(feedUrl[SHOP_B]!, SECRET, easypost.tracker("C20000000000001", [scan("2026-11-26T14:20:00Z", "in_transit", "arrived_at_facility", "Arrived", "Reno")]));
    await afterDelay();
    expect(written(SHOP_B)).toEqual([]);
    expect(admin.createdEvents.every((e) => e.shop === SHOP_A)).toBe(true);
    expect(await app.db.selectFrom("ScanWriteBack").select("id").where("shop", "=", SHOP_B).execute()).toEqual([]);
  });
});
