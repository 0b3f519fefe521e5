import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { loadConfig } from "~/.server/config";
import { RECONCILE_ALL_JOB, RECONCILE_LEASE_MS } from "~/.server/services/reconciliation";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../scripts/local-services/fake-shopify-admin";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { graphqlOrder, webhooksOf, type ParcelStory } from "../fixtures/shopify-admin";
import { newId } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const TOKENS: Record<string, string> = { [SHOP_A]: "shpat_alpha_reconcile_token", [SHOP_B]: "shpat_bravo_reconcile_token" };

/**
 * Reconciliation over a real SQLite file and a stand-in Admin GraphQL API: a parcel whose fulfillment_events/create
 * webhook Shopify gave up on is repaired from `orders(query: "updated_at:>…")`, counted once, and told to the
 * customer as the webhook would have; the watermark moves only when a run succeeds.
 */
describe("reconciliation", () => {
  // Thursday 26 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let admin: FakeShopifyAdmin;
  let smtp: SmtpCapture;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    admin = await startFakeShopifyAdmin();
    app = await startTestApp({
      clock,
      env: { SHOPIFY_ADMIN_API_BASE: admin.url, BACKFILL_POLL_SECONDS: "0", RECONCILE_INTERVAL_MINUTES: "0", SMTP_URL: smtp.url, EMAIL_FROM: "Shop <hello@shop.test>", NOTIFY_TIMEOUT_MS: "2000" },
    });
    for (const shop of [SHOP_A, SHOP_B]) {
      await app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${shop}`, shop, state: "test", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: TOKENS[shop] }));
      admin.addShop(shop, TOKENS[shop]!);
      const n = app.container.services.notifications;
      expect((await n.savePolicy(shop, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).ok).toBe(true);
      expect(await n.saveChannel(shop, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    }
    // alpha was installed and its (empty) history imported at 10:00: reconciliation goes on from there
    admin.setOrders(SHOP_A, []);
    const started = await app.container.services.backfill.start(SHOP_A, { days: 60, trigger: "install" });
    expect(started.ok).toBe(true);
    await app.settle();
    expect((await app.db.selectFrom("BackfillRun").select("status").where("shop", "=", SHOP_A).executeTakeFirstOrThrow()).status).toBe("done");
  });
  afterAll(async () => {
    await app?.close();
    await admin?.close();
    await smtp?.close();
  });

  const reconcile = (shop: string) => app.container.services.reconciliation.run(shop);
  const shipment = (shop: string, tracking: string) => app.db.selectFrom("Shipment").selectAll().where("shop", "=", shop).where("trackingNumber", "=", tracking).executeTakeFirstOrThrow();
  const watermark = async (shop: string) => (await app.db.selectFrom("ReconciliationState").select("watermark").where("shop", "=", shop).executeTakeFirst())?.watermark ?? null;

  const story = (): ParcelStory => {
    const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
    return {
      orderId: newId(),
      name: "#4001",
      createdAt: "2026-11-26T15:02:00Z",
      fulfillmentId: newId(),
      shippedAt: "2026-11-26T15:05:00Z",
      company: "UPS",
      tracking,
      displayStatus: "DELIVERED",
      updatedAt: "2026-11-26T16:10:00Z",
      events: [
        { id: newId(), status: "in_transit", message: "Departed from Facility", happenedAt: "2026-11-26T15:40:00Z", city: "Ottawa" },
        { id: newId(), status: "delivered", message: "Delivered - Front Door", happenedAt: "2026-11-26T16:05:00Z", city: "Ottawa" },
      ],
    };
  };

  it("repairs a parcel whose delivered event webhook was dropped, counts it, moves the watermark; a second run repairs nothing", async () => {
    const parcel = story();
    clock.advance(70 * 60_000);
    // every webhook arrived but the last fulfillment_events/create (and the fulfillments/update that repeated it)
    const hooks = webhooksOf({ ...parcel, displayStatus: "IN_TRANSIT", updatedAt: parcel.shippedAt, events: parcel.events.slice(0, 1) });
    for (const h of hooks) expect((await app.sendWebhook(h.topic, h.payload, { shop: SHOP_A })).status).toBe(200);
    await app.settle();
    expect((await shipment(SHOP_A, parcel.tracking)).status).toBe("in_transit");
    admin.setOrders(SHOP_A, [graphqlOrder(parcel)]);

    expect(await reconcile(SHOP_A)).toEqual({ ordersSeen: 1, repaired: 1 });
    await app.settle();
    const repaired = await shipment(SHOP_A, parcel.tracking);
    expect(repaired.status).toBe("delivered");
    expect(repaired.eventCount).toBe(2);
    expect(await watermark(SHOP_A)).toBe(Date.parse("2026-11-26T16:10:00Z"));
    // a repair is news, as the webhook would have been: the customer hears of the delivery once
    const told = await app.db.selectFrom("Notification").select("moment").where("shop", "=", SHOP_A).where("moment", "=", "delivered").execute();
    expect(told).toHaveLength(1);

    // the overlap asks for the same order again: nothing changes, nothing is counted, nothing is told twice
    expect(await reconcile(SHOP_A)).toEqual({ ordersSeen: 1, repaired: 0 });
    expect(await app.db.selectFrom("Notification").select("moment").where("shop", "=", SHOP_A).where("moment", "=", "delivered").execute()).toHaveLength(1);
    const summary = await app.container.services.reconciliation.summary(SHOP_A);
    expect(summary).toMatchObject({ repairedSince: 1, lastError: null, watermark: Date.parse("2026-11-26T16:10:00Z") });
  });

  it("a run that fails keeps the watermark, says why, and the next run repairs what it missed", async () => {
    const before = await watermark(SHOP_A);
    const parcel = { ...story(), updatedAt: "2026-11-26T16:20:00Z" };
    const hooks = webhooksOf({ ...parcel, displayStatus: "IN_TRANSIT", updatedAt: parcel.shippedAt, events: parcel.events.slice(0, 1) });
    for (const h of hooks) expect((await app.sendWebhook(h.topic, h.payload, { shop: SHOP_A })).status).toBe(200);
    await app.settle();
    admin.upsertOrder(SHOP_A, graphqlOrder(parcel));
    admin.failNext(6, { status: 503 }, "orders");
    await expect(reconcile(SHOP_A)).rejects.toThrow(/503/);
    expect(await watermark(SHOP_A)).toBe(before);
    expect((await app.container.services.reconciliation.summary(SHOP_A)).lastError).toMatch(/503/);
    expect((await shipment(SHOP_A, parcel.tracking)).status).toBe("in_transit");

    expect(await reconcile(SHOP_A)).toMatchObject({ repaired: 1 });
    expect((await shipment(SHOP_A, parcel.tracking)).status).toBe("delivered");
    expect(await watermark(SHOP_A)).toBe(Date.parse("2026-11-26T16:20:00Z"));
  });

  it("runs one reconciliation of a shop at a time: one asked meanwhile is skipped, and a run its crash left open holds the shop only for the lease", async () => {
    const ordersCalls = () => admin.requests.filter((r) => r.kind === "orders" && r.shop === SHOP_A).length;
    const before = ordersCalls();
    const runs = await Promise.all([reconcile(SHOP_A), reconcile(SHOP_A)]);
    expect(runs.filter((r) => "skipped" in r)).toEqual([{ skipped: "another run of this shop is in progress" }]);
    expect(runs.filter((r) => "ordersSeen" in r)).toHaveLength(1);
    // one run's calls: the Admin API's rate limit is not spent twice on the same orders
    expect(ordersCalls()).toBe(before + 1);
    const rows = () => app.db.selectFrom("ReconciliationRun").select(["startedAt", "finishedAt"]).where("shop", "=", SHOP_A).execute();
    expect((await rows()).every((r) => r.finishedAt !== null)).toBe(true);

    // a worker SIGKILLed in the middle of a run leaves it unfinished
    await app.db.insertInto("ReconciliationRun").values({ shop: SHOP_A, startedAt: clock.now() - 60_000 }).execute();
    expect(await reconcile(SHOP_A)).toEqual({ skipped: "another run of this shop is in progress" });
    // the other shop is not held by it
    const other = await app.db.selectFrom("ReconciliationRun").select("id").where("shop", "=", SHOP_B).execute();
    expect(await reconcile(SHOP_B)).not.toEqual({ skipped: "another run of this shop is in progress" });
    expect((await app.db.selectFrom("ReconciliationRun").select("id").where("shop", "=", SHOP_B).execute()).length).toBeGreaterThanOrEqual(other.length);
    clock.advance(RECONCILE_LEASE_MS);
    expect(await reconcile(SHOP_A)).toMatchObject({ ordersSeen: expect.any(Number) });
  });

  it("reads a full page of busy orders whole: an answer of several hundred kilobytes, as a shop's real orders make", async () => {
    const base = Date.parse("2026-11-26T15:06:00Z");
    const parcels = Array.from({ length: 25 }, (_, i) => ({
      ...story(),
      name: `#45${String(i).padStart(2, "0")}`,
      updatedAt: "2026-11-26T16:30:00Z",
      // a month of scans: ~40 events each, with the long facility messages carriers send
      events: [
        ...Array.from({ length: 39 }, (_, k) => ({
          id: newId(),
          status: "in_transit",
          message: `Departed from Facility ${k}: UPS Worldport sort hub, Louisville, KY, United States — package transferred to the next vehicle in the network`,
          happenedAt: new Date(base + k * 60_000).toISOString(),
          city: "Louisville",
        })),
        { id: newId(), status: "delivered", message: "Delivered - Front Door", happenedAt: "2026-11-26T16:05:00Z", city: "Ottawa" },
      ],
    }));
    for (const parcel of parcels) {
      for (const h of webhooksOf({ ...parcel, displayStatus: "IN_TRANSIT", updatedAt: parcel.shippedAt, events: parcel.events.slice(0, 1) })) {
        expect((await app.sendWebhook(h.topic, h.payload, { shop: SHOP_A })).status).toBe(200);
      }
    }
    await app.settle();
    for (const parcel of parcels) admin.upsertOrder(SHOP_A, graphqlOrder(parcel));
    expect(JSON.stringify(parcels.map(graphqlOrder)).length).toBeGreaterThan(200_000);

    expect(await reconcile(SHOP_A)).toMatchObject({ repaired: 25 });
    await app.settle();
    for (const parcel of parcels) expect(await shipment(SHOP_A, parcel.tracking)).toMatchObject({ status: "delivered", eventCount: 40 });
  });

  it("runs hourly for the shops whose history was imported, each shop with its own data only", async () => {
    expect(loadConfig({ SHOPIFY_API_KEY: "k", SHOPIFY_API_SECRET: "s", SHOPIFY_APP_URL: "https://x.test", SCOPES: "read_orders" }).history.reconcileEveryMs).toBe(3_600_000);
    // bravo's orders exist in Shopify, but bravo has no imported history: the recurring run leaves it alone
    admin.setOrders(SHOP_B, [graphqlOrder(story())]);
    const runs = async (shop: string) => (await app.db.selectFrom("ReconciliationRun").select("id").where("shop", "=", shop).execute()).length;
    const [a, b] = [await runs(SHOP_A), await runs(SHOP_B)];
    const bravoShipments = await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_B).execute();
    await app.container.queue.enqueue({ name: RECONCILE_ALL_JOB, shop: "*", payload: {} });
    await app.settle();
    expect(await runs(SHOP_A)).toBe(a + 1);
    expect(await runs(SHOP_B)).toBe(b);
    expect(await app.db.selectFrom("Shipment").select("id").where("shop", "=", SHOP_B).execute()).toEqual(bravoShipments);
    expect(await reconcile(SHOP_B)).toEqual({ skipped: "its history is not imported yet" });
  });
});
