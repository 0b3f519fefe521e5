import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { FLOW_TRIGGERS } from "~/.server/ports/flow";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../scripts/local-services/fake-shopify-admin";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { graphqlOrder, webhooksOf, type ParcelStory } from "../fixtures/shopify-admin";
import { newId } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const SHOP_C = "charlie-supply.myshopify.com";
const TOKENS: Record<string, string> = { [SHOP_A]: "shpat_alpha_offline_token", [SHOP_B]: "shpat_bravo_offline_token", [SHOP_C]: "shpat_charlie_offline_token" };

/** Four parcels of one shop's last weeks, told as Shopify tells them: delivered long ago, delivered yesterday, moving, never scanned. */
function stories(): ParcelStory[] {
  const parcel = (name: string, tracking: string, shippedAt: string, displayStatus: string | null, events: [string, string, string, string][]): ParcelStory => ({
    orderId: newId(),
    name,
    createdAt: shippedAt.replace(/T.*/, "T09:00:00Z"),
    fulfillmentId: newId(),
    shippedAt,
    company: "UPS",
    tracking,
    displayStatus,
    events: events.map(([status, message, happenedAt, city]) => ({ id: newId(), status, message, happenedAt, city, province: "Ontario", country: "Canada" })),
  });
  return [
    parcel("#2001", "1Z999AA10123456784", "2026-11-02T19:00:00Z", "DELIVERED", [
      ["carrier_picked_up", "Pickup Scan", "2026-11-02T23:30:00Z", "Mississauga"],
      ["in_transit", "Departed from Facility", "2026-11-03T07:10:00Z", "Mississauga"],
      ["delivered", "Delivered - Front Door", "2026-11-05T18:21:00Z", "Ottawa"],
    ]),
    parcel("#2002", "1Z999AA10123456795", "2026-11-23T19:00:00Z", "DELIVERED", [
      ["carrier_picked_up", "Pickup Scan", "2026-11-23T23:30:00Z", "Mississauga"],
      ["out_for_delivery", "Out For Delivery Today", "2026-11-25T12:55:00Z", "Ottawa"],
      ["delivered", "Delivered - Front Door", "2026-11-25T18:00:00Z", "Ottawa"],
    ]),
    parcel("#2003", "1Z999AA10123456806", "2026-11-24T19:00:00Z", "IN_TRANSIT", [
      ["carrier_picked_up", "Pickup Scan", "2026-11-24T23:30:00Z", "Mississauga"],
      ["in_transit", "Arrived at Facility", "2026-11-25T10:00:00Z", "Kingston"],
    ]),
    parcel("#2004", "1Z999AA10123456817", "2026-11-12T19:00:00Z", "LABEL_PRINTED", []),
  ];
}

/**
 * The import of a shop's history, end to end over a real SQLite file and a stand-in Admin GraphQL API: a bulk
 * operation, its JSONL streamed into the webhook pipeline, progress kept; quiet about history, holding silence
 * while it runs, within Shopify's rate limits, and failing loudly and recoverably.
 */
describe("history import (backfill)", () => {
  // Thursday 26 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let admin: FakeShopifyAdmin;
  let smtp: SmtpCapture;
  let app: TestApp;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    // a small bucket (Shopify's standard plan restores 50 points a second; this one 200, to keep the test short)
    admin = await startFakeShopifyAdmin({ maximumAvailable: 60, restoreRate: 200, costs: { details: 20, bulk: 10, poll: 1 } });
    app = await startTestApp({
      clock,
      // a slice of 0 s: each import job applies one chunk of orders and hands the rest of the file to the next
      env: { SHOPIFY_ADMIN_API_BASE: admin.url, BACKFILL_POLL_SECONDS: "1", BACKFILL_SLICE_SECONDS: "0", RECONCILE_INTERVAL_MINUTES: "0", SMTP_URL: smtp.url, EMAIL_FROM: "Shop <hello@shop.test>", NOTIFY_TIMEOUT_MS: "2000" },
    });
    await app.container.installLocally(SHOP_C);
    for (const shop of [SHOP_A, SHOP_B, SHOP_C]) {
      // a real install's offline token: the stand-in knows the shop by it, as Shopify does by its host
      await app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${shop}`, shop, state: "test", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: TOKENS[shop] }));
      admin.addShop(shop, TOKENS[shop]!);
      const n = app.container.services.notifications;
      expect((await n.savePolicy(shop, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).ok).toBe(true);
      expect(await n.saveChannel(shop, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
      // a Flow workflow on every Shipwatch trigger
      for (const trigger of Object.values(FLOW_TRIGGERS)) await app.container.services.flow.triggerUse(shop, { trigger, enabled: true, at: clock.now() });
    }
  });
  afterAll(async () => {
    await app?.close();
    await admin?.close();
    await smtp?.close();
  });

  const backfill = () => app.container.services.backfill;
  const run = (shop: string, id: number) => app.db.selectFrom("BackfillRun").selectAll().where("shop", "=", shop).where("id", "=", id).executeTakeFirstOrThrow();

  /** lets the jobs run, moving the clock on for polls and retries, until the run ends */
  async function untilFinished(shop: string, id: number) {
    for (let i = 0; i < 60; i++) {
      app.container.queue.wake?.();
      await app.settle();
      const r = await run(shop, id);
      if (r.status === "done" || r.status === "failed") return r;
      clock.advance(1_000);
    }
    throw new Error(`run ${id} of ${shop} never finished`);
  }

  async function importHistory(shop: string, days = 60) {
    const started = await backfill().start(shop, { days, trigger: "manual" });
    if (!started.ok) throw new Error(`not started: ${started.reason}`);
    return untilFinished(shop, started.run.id);
  }

  async function sendAll(shop: string, hooks: { topic: string; payload: unknown }[]) {
    for (const h of hooks) expect((await app.sendWebhook(h.topic, h.payload, { shop })).status).toBe(200);
    await app.settle();
  }

  /** the shop's parcels and their timelines, as support and the shopper read them (evaluation's own bookkeeping left out) */
  async function parcels(shop: string) {
    const shipments = await app.db
      .selectFrom("Shipment")
      .select(["orderId", "orderName", "fulfillmentId", "trackingNumber", "carrierCode", "trackingUrl", "service", "status", "reason", "statusChangedAt", "lastEventAt", "lastCarrierScanAt", "firstCarrierScanAt", "deliveredAt", "deliveryAttempts", "eventCount", "destinationCountry", "destinationProvince", "shippedAt", "cancelledAt"])
      .where("shop", "=", shop)
      .orderBy("trackingNumber")
      .execute();
    const events = await app.db.selectFrom("ShipmentEvent").select(["eventKey", "status", "reason", "happenedAt", "location", "previousStatus", "deletedAt"]).where("shop", "=", shop).orderBy("eventKey").execute();
    const fulfillments = await app.db.selectFrom("Fulfillment").select(["fulfillmentId", "status", "shipmentStatus", "trackingCompany", "items", "destination", "updatedAt"]).where("shop", "=", shop).orderBy("fulfillmentId").execute();
    const orders = await app.db.selectFrom("Order").select(["orderId", "name", "email", "totalPrice", "customerTags", "destination", "updatedAt"]).where("shop", "=", shop).orderBy("orderId").execute();
    return { shipments, events, fulfillments, orders };
  }
  /** what the customer is or will be told (imported history is recorded as suppressed, never sent) */
  const messages = (shop: string) => app.db.selectFrom("Notification").select(["moment", "channel"]).where("shop", "=", shop).where("status", "!=", "suppressed").execute();
  const cases = (shop: string) => app.db.selectFrom("ExceptionCase").select(["type", "shipmentId", "status"]).where("shop", "=", shop).execute();

  it("imports what the webhooks would have brought, tells no customer about history, and a webhook replayed afterwards changes nothing", async () => {
    const history = stories();
    admin.setOrders(SHOP_A, history.map(graphqlOrder));
    // bravo lives the same weeks through webhooks, as they happened
    await sendAll(SHOP_B, history.flatMap(webhooksOf));

    const done = await importHistory(SHOP_A);
    expect(done).toMatchObject({ status: "done", error: null, ordersSeen: 4, ordersImported: 4, fulfillmentsSeen: 4, fulfillmentsImported: 4, eventsSeen: 8, eventsImported: 8, operationStatus: "COMPLETED" });
    expect(await parcels(SHOP_A)).toEqual(await parcels(SHOP_B));
    expect((await parcels(SHOP_A)).shipments.map((s) => s.status)).toEqual(["delivered", "delivered", "in_transit", "label_created"]);

    // the webhooks' bravo was told of yesterday's delivery and the latest scan; alpha's history is told to no one
    expect((await messages(SHOP_B)).map((m) => m.moment)).toEqual(expect.arrayContaining(["delivered", "first_scan"]));
    expect(await messages(SHOP_A)).toEqual([]);
    // nor to its Flow workflows (bravo's were told of yesterday's delivery)
    const flowJobs = (shop: string) => app.db.selectFrom("Job").select("payload").where("shop", "=", shop).where("name", "=", "flow-trigger").execute();
    expect((await flowJobs(SHOP_B)).some((j) => j.payload.includes('"delivered"'))).toBe(true);
    expect(await flowJobs(SHOP_A)).toEqual([]);
    const suppressed = await app.db.selectFrom("Notification").select(["statusReason"]).where("shop", "=", SHOP_A).where("status", "=", "suppressed").execute();
    expect(suppressed.length).toBeGreaterThan(0);
    expect(suppressed.every((m) => /imported history/.test(m.statusReason ?? ""))).toBe(true);

    // Shopify's webhooks for the same objects arrive after the import (a retry, a late delivery): nothing changes
    const before = await parcels(SHOP_A);
    await sendAll(SHOP_A, history.flatMap(webhooksOf));
    expect(await parcels(SHOP_A)).toEqual(before);
    expect(await messages(SHOP_A)).toEqual([]);

    // news after the import is news: the moving parcel is delivered within the hour, and that is told
    clock.advance(60 * 60_000);
    const moving = history[2]!;
    const delivered = { ...moving, events: [{ id: newId(), status: "delivered", message: "Delivered - Mailroom", happenedAt: "2026-11-26T15:45:00Z", city: "Ottawa" }] };
    await sendAll(SHOP_A, webhooksOf(delivered).filter((h) => h.topic === "fulfillment_events/create"));
    expect((await messages(SHOP_A)).map((m) => m.moment)).toContain("delivered");
  });

  it("holds silence while the import runs and judges the parcels once it is done", async () => {
    const stale: ParcelStory = { orderId: newId(), name: "#3001", createdAt: "2026-11-10T09:00:00Z", fulfillmentId: newId(), shippedAt: "2026-11-10T19:00:00Z", company: "UPS", tracking: "1Z999AA10123456828", displayStatus: null, events: [] };
    admin.setOrders(SHOP_C, [graphqlOrder(stale)]);
    const started = await backfill().start(SHOP_C, { days: 30, trigger: "manual" });
    expect(started.ok).toBe(true);
    await app.settle();
    expect((await run(SHOP_C, started.ok ? started.run.id : 0)).status).toBe("running");

    // a label printed 16 days ago and never scanned: bravo (not importing) gets its not_picked_up case at once…
    const onB = { ...stale, orderId: newId(), fulfillmentId: newId() };
    await sendAll(SHOP_B, webhooksOf(onB));
    await sendAll(SHOP_C, webhooksOf(stale));
    const bravoCase = (await cases(SHOP_B)).filter((c) => c.type === "not_picked_up");
    expect(bravoCase.length).toBeGreaterThan(0);
    // …charlie's waits for its import
    expect((await cases(SHOP_C)).filter((c) => c.type === "not_picked_up")).toEqual([]);

    const done = await untilFinished(SHOP_C, started.ok ? started.run.id : 0);
    expect(done.status).toBe("done");
    clock.advance(2 * 60_000);
    app.container.queue.wake?.();
    await app.settle();
    await app.container.services.sweep.run(500);
    expect((await cases(SHOP_C)).filter((c) => c.type === "not_picked_up" && c.status === "open")).toHaveLength(1);
  });

  it("keeps within Shopify's rate limit: waits for the bucket, and waits again when told THROTTLED", async () => {
    const many = Array.from({ length: 150 }, (_, i) =>
      graphqlOrder({ orderId: newId(), name: `#${5000 + i}`, createdAt: "2026-11-01T09:00:00Z", fulfillmentId: newId(), shippedAt: "2026-11-01T19:00:00Z", company: "UPS", tracking: `1Z999AA1${String(7_000_000_000 + i)}`, displayStatus: "DELIVERED", events: [] }),
    );
    admin.setOrders(SHOP_C, many);
    admin.failNext(1, "throttled", "details");
    const seen = admin.requests.length;
    const done = await importHistory(SHOP_C);
    expect(done).toMatchObject({ status: "done", ordersSeen: 150, ordersImported: 150, fulfillmentsImported: 150 });
    const calls = admin.requests.slice(seen);
    // six pages of fulfillments at 20 points each, through a 60-point bucket: without waiting, some would be refused
    expect(calls.filter((c) => c.kind === "details" && c.status === 200 && !c.injected).length).toBeGreaterThanOrEqual(6);
    expect(calls.filter((c) => c.throttled)).toEqual([]);
    expect(calls.filter((c) => c.injected).length).toBe(1);
  });

  it("retries a 5xx mid-way, in the client and through the job, and loses nothing", async () => {
    const history = stories();
    admin.setOrders(SHOP_C, history.map(graphqlOrder));
    // the client's own attempts get past two 503s; a file that cannot be read fails the job, which is retried
    admin.failNext(2, { status: 503 }, "details");
    admin.failNext(1, { status: 500 }, "file");
    const seen = admin.requests.length;
    const done = await importHistory(SHOP_C);
    expect(done).toMatchObject({ status: "done", error: null, ordersImported: 4, fulfillmentsImported: 4, eventsImported: 8 });
    const calls = admin.requests.slice(seen);
    expect(calls.filter((c) => c.status === 503)).toHaveLength(2);
    expect(calls.filter((c) => c.kind === "file" && c.status === 500)).toHaveLength(1);
    expect((await parcels(SHOP_C)).shipments.filter((s) => history.some((h) => h.tracking === s.trackingNumber))).toHaveLength(4);
  });

  it("downloads the file once however many jobs the import takes: each asks for the rest from the byte the last one stopped at", async () => {
    // 60 orders: three jobs at least, one chunk of 25 orders each
    const history = Array.from({ length: 15 }, (_, k) =>
      stories().map((p, j) => ({ ...p, name: `#3${String(4 * k + j).padStart(3, "0")}`, tracking: `1ZRANGE${String(4 * k + j).padStart(10, "0")}` })),
    ).flat();
    admin.setOrders(SHOP_C, history.map(graphqlOrder));
    const events = history.reduce((n, p) => n + p.events.length, 0);
    const seen = admin.requests.length;
    const done = await importHistory(SHOP_C);
    expect(done).toMatchObject({ status: "done", error: null, linesRead: 60, ordersSeen: 60, ordersImported: 60, fulfillmentsImported: 60, eventsImported: events });
    const files = admin.requests.slice(seen).filter((c) => c.kind === "file");
    expect(files.length).toBeGreaterThanOrEqual(3);
    // the first job reads from the start; every later one from where the one before it stopped, always further on
    expect(files[0]!.range).toBeNull();
    const starts = files.slice(1).map((f) => Number(/^bytes=(\d+)-$/.exec(f.range ?? "")?.[1]));
    expect(starts.every((b, i) => b > (starts[i - 1] ?? 0))).toBe(true);
    expect(files.slice(1).every((f) => f.status === 206 || f.status === 416)).toBe(true);
    expect(done.bytesRead).toBeGreaterThan(starts.at(-1)!);
    const timeline = async () => (await parcels(SHOP_C)).events.filter((e) => e.deletedAt === null).length;
    const before = await timeline();

    // a server that sends the whole file whatever is asked: read past up to the byte, nothing missed, nothing twice
    admin.ignoreRanges(true);
    try {
      const again = await importHistory(SHOP_C);
      expect(again).toMatchObject({ status: "done", error: null, linesRead: 60, ordersSeen: 60, eventsSeen: events, bytesRead: done.bytesRead });
      expect(await timeline()).toBe(before);
    } finally {
      admin.ignoreRanges(false);
    }
  });

  it("shows a failed bulk operation in Shopify's words, and imports again when asked", async () => {
    admin.setOrders(SHOP_C, stories().map(graphqlOrder));
    admin.failNextOperation("ACCESS_DENIED");
    const failed = await importHistory(SHOP_C);
    expect(failed.status).toBe("failed");
    expect(failed.operationStatus).toBe("FAILED");
    expect(failed.error).toMatch(/bulk operation failed \(ACCESS_DENIED\)/);
    expect((await app.container.services.historyImport.overview(SHOP_C)).run).toMatchObject({ status: "failed", error: failed.error });

    const again = await app.container.services.historyImport.importAgain(SHOP_C, 30);
    expect(again.ok).toBe(true);
    expect((await untilFinished(SHOP_C, again.ok ? again.run.id : 0)).status).toBe("done");
  });

  it("refuses a second import while one runs, and a range outside 7–365 days, changing nothing", async () => {
    admin.setOrders(SHOP_C, []);
    const first = await backfill().start(SHOP_C, { days: 14, trigger: "manual" });
    expect(first.ok).toBe(true);
    expect(await backfill().start(SHOP_C, { days: 14, trigger: "manual" })).toMatchObject({ ok: false, reason: "already_running" });
    const count = async () => (await app.db.selectFrom("BackfillRun").select("id").where("shop", "=", SHOP_C).execute()).length;
    const runs = await count();
    expect(await backfill().start(SHOP_C, { days: 3, trigger: "manual" })).toMatchObject({ ok: false, reason: "bad_days" });
    expect(await backfill().start(SHOP_C, { days: 400, trigger: "manual" })).toMatchObject({ ok: false, reason: "bad_days" });
    expect(await count()).toBe(runs);
    // an operation that found nothing has no file: done, nothing imported
    expect(await untilFinished(SHOP_C, first.ok ? first.run.id : 0)).toMatchObject({ status: "done", ordersSeen: 0 });
  });

  it("queues the install's import once", async () => {
    const SHOP_D = "delta-wares.myshopify.com";
    await app.container.installLocally(SHOP_D);
    const first = await backfill().onInstall(SHOP_D);
    expect(first).toMatchObject({ ok: true, run: { trigger: "install", days: 60 } });
    expect(await backfill().onInstall(SHOP_D)).toBeNull();
    // installed locally: no Admin API token Shopify would take → the run fails with words a merchant can act on
    await app.container.shopify.sessionStorage!.deleteSession(`offline_${SHOP_D}`);
    const ended = await untilFinished(SHOP_D, first && first.ok ? first.run.id : 0);
    expect(ended).toMatchObject({ status: "failed" });
    expect(ended.error).toMatch(/access token/);
  });

  it("one shop's import never reads or touches another shop's data", async () => {
    const mine = stories();
    admin.setOrders(SHOP_C, mine.map(graphqlOrder));
    admin.setOrders(SHOP_A, stories().map(graphqlOrder));
    const bravoBefore = await parcels(SHOP_B);
    const alphaBefore = await parcels(SHOP_A);
    const seen = admin.requests.length;
    const done = await importHistory(SHOP_C);
    expect(done.status).toBe("done");
    expect(await parcels(SHOP_B)).toEqual(bravoBefore);
    expect(await parcels(SHOP_A)).toEqual(alphaBefore);
    // every call was made with charlie's token, and only charlie's orders came back
    expect(admin.requests.slice(seen).every((r) => r.shop === SHOP_C)).toBe(true);
    const charlie = await parcels(SHOP_C);
    for (const s of mine) expect(charlie.shipments.some((p) => p.trackingNumber === s.tracking && p.orderId === String(s.orderId))).toBe(true);
    expect(charlie.shipments.some((p) => alphaBefore.shipments.some((a) => a.orderId === p.orderId))).toBe(false);
  });
});
