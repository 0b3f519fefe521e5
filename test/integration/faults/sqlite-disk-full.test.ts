import type BetterSqlite3 from "better-sqlite3";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startSmtpCapture, type SmtpCapture } from "../../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../../support/test-app";

/**
 * Fault: SQLite's disk is full. Simulated with SQLite's own ceiling on the app's connection (PRAGMA
 * max_page_count set to the pages the file has now, after a VACUUM has dropped its free pages), so every
 * write that needs a new page fails with SQLITE_FULL, as on a full disk; raising the ceiling is space coming
 * back. Asserted from the database: nothing half-written, nothing lost, nothing done twice.
 */
const START = "2026-11-18T15:00:00Z";
let app: TestApp | null = null;
let smtp: SmtpCapture | null = null;

afterEach(async () => {
  await app?.close();
  app = null;
  await smtp?.close();
  smtp = null;
});

function sqliteOf(a: TestApp): BetterSqlite3.Database {
  const sqlite = a.container.database.sqlite;
  if (!sqlite) throw new Error("the embedded topology runs on SQLite");
  return sqlite;
}

/** the disk fills up: free pages are dropped, and the file may grow by `headroom` pages at most */
async function fillDisk(a: TestApp, headroom = 0) {
  const sqlite = sqliteOf(a);
  const deadline = Date.now() + 30_000;
  // the worker shares this connection: VACUUM needs it outside a transaction
  while (sqlite.inTransaction) {
    if (Date.now() > deadline) throw new Error("the connection stayed in a transaction");
    await new Promise((r) => setTimeout(r, 5));
  }
  sqlite.exec("VACUUM");
  const pages = sqlite.pragma("page_count", { simple: true }) as number;
  expect(sqlite.pragma(`max_page_count = ${pages + headroom}`, { simple: true })).toBe(pages + headroom);
  expect(sqlite.pragma("freelist_count", { simple: true })).toBe(0);
}

/** space comes back */
function freeDisk(a: TestApp) {
  sqliteOf(a).pragma("max_page_count = 1073741823");
}

function integrity(a: TestApp): string {
  return sqliteOf(a).pragma("integrity_check", { simple: true }) as string;
}

// an order note long enough that its delivery needs new pages (overflow pages) to be stored
const NOTE = "Please leave the parcel with the concierge at the front desk. ".repeat(300);

function journey(i: number) {
  const order = orderPayload({ id: newId(), name: `#90${i}`, note: NOTE, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00" });
  const tracking = `1Z999AA1${String(900_000 + i).padStart(10, "0")}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
  const events = [
    fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed from facility", happened_at: "2026-11-18T09:30:00-05:00" }),
    fulfillmentEventPayload(f.id, order.id, { status: "out_for_delivery", message: "Out for delivery", happened_at: "2026-11-18T09:45:00-05:00" }),
  ];
  const deliveries: { topic: string; payload: unknown; webhookId: string }[] = [
    { topic: "orders/create", payload: order, webhookId: `full-order-${order.id}` },
    { topic: "fulfillments/create", payload: f, webhookId: `full-fulfillment-${f.id}` },
    ...events.map((e) => ({ topic: "fulfillment_events/create", payload: e, webhookId: `full-event-${e.id}` })),
  ];
  return { order, fulfillment: f, tracking, deliveries };
}

/** every stored delivery has exactly its one processing job, and every processing job its delivery */
async function nothingHalfWritten(a: TestApp) {
  const deliveries = await a.db.selectFrom("WebhookDelivery").select(["id", "webhookId"]).execute();
  const jobs = await a.db.selectFrom("Job").select(["payload"]).where("name", "=", "process-delivery").execute();
  const jobDeliveryIds = jobs.map((j) => (JSON.parse(j.payload) as { deliveryId: number }).deliveryId).sort((x, y) => x - y);
  expect(jobDeliveryIds).toEqual(deliveries.map((d) => d.id).sort((x, y) => x - y));
  return deliveries;
}

/** the clock moves; the jobs that came due run */
async function advance(a: TestApp, ms: number) {
  a.clock.advance(ms);
  a.container.queue.wake?.();
  await a.settle();
}

describe("fault: SQLite's disk is full", () => {
  it("GIVEN signed webhooks while the disk is full THEN each is answered 503 with a log line, nothing is half-stored, and Shopify's retries of the same deliveries are processed exactly once when space is back", async () => {
    app = await startTestApp({ clock: fixedClock(START), shops: [SHOP_A] });
    const errors = vi.spyOn(app.container.logger, "error");
    const parcels = [journey(0), journey(1), journey(2)];
    const all = parcels.flatMap((p) => p.deliveries);
    await app.settle();
    await fillDisk(app);

    const refused: string[] = [];
    const answer = async (d: (typeof all)[number]) => {
      const res = await app!.sendWebhook(d.topic, d.payload, { webhookId: d.webhookId });
      // never "200 without storing": either durably stored, or a 5xx that Shopify retries
      expect([200, 503], d.webhookId).toContain(res.status);
      if (res.status === 503) {
        expect(await res.json()).toEqual({ error: "unavailable" });
        refused.push(d.webhookId);
      } else await res.arrayBuffer();
    };
    // one parcel's deliveries one by one, the others all at once (they share group commits)
    for (const d of parcels[0]!.deliveries) await answer(d);
    await Promise.all(parcels.slice(1).flatMap((p) => p.deliveries).map(answer));
    // the orders (with their long notes) cannot have fitted: at least those were refused
    for (const p of parcels) expect(refused).toContain(p.deliveries[0]!.webhookId);
    const logged = errors.mock.calls.filter(([details, message]) => message === "request failed" && /disk is full|SQLITE_FULL/i.test(JSON.stringify(details)));
    expect(logged.length).toBeGreaterThanOrEqual(refused.length);
    expect(JSON.stringify(logged[0]![0])).toMatch(/\/webhooks/);

    // nothing half-written: no refused delivery is stored, and every stored one has its job
    const stored = await nothingHalfWritten(app);
    expect(stored.filter((d) => refused.includes(d.webhookId))).toEqual([]);
    expect(integrity(app)).toBe("ok");

    // space comes back; Shopify retries every delivery it was refused (same X-Shopify-Webhook-Id), and sends a few twice
    freeDisk(app);
    await Promise.all(
      all.map(async (d) => {
        const res = await app!.sendWebhook(d.topic, d.payload, { webhookId: d.webhookId });
        expect(res.status, d.webhookId).toBe(200);
        await res.arrayBuffer();
      }),
    );
    for (const d of all.slice(0, 4)) expect((await app.sendWebhook(d.topic, d.payload, { webhookId: d.webhookId })).status).toBe(200);
    await app.settle();
    await advance(app, 60_000);

    const deliveries = await nothingHalfWritten(app);
    expect(deliveries.map((d) => d.webhookId).sort()).toEqual(all.map((d) => d.webhookId).sort());
    const rows = await app.db.selectFrom("WebhookDelivery").select(["webhookId", "status"]).execute();
    expect(rows.filter((r) => r.status !== "processed")).toEqual([]);
    const jobs = await app.db.selectFrom("Job").select(["status"]).where("name", "=", "process-delivery").execute();
    expect(jobs.map((j) => j.status)).toEqual(all.map(() => "done"));
    // each parcel once: one order, one shipment, one row per carrier event
    expect(await app.db.selectFrom("Order").select("orderId").execute()).toHaveLength(parcels.length);
    const shipments = await app.db.selectFrom("Shipment").select(["id", "trackingNumber", "status"]).execute();
    expect(shipments.map((s) => s.trackingNumber).sort()).toEqual(parcels.map((p) => p.tracking).sort());
    expect(shipments.every((s) => s.status === "out_for_delivery")).toBe(true);
    const events = await app.db.selectFrom("ShipmentEvent").select(["eventKey"]).execute();
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(events.length);
    expect(events.filter((e) => e.eventKey.startsWith("fe:"))).toHaveLength(parcels.length * 2);
    expect(integrity(app)).toBe("ok");
  }, 120_000);

  it("GIVEN stored deliveries whose processing hits the full disk THEN the jobs are retried (or parked for replay), never lost, and once space is back each delivery is processed exactly once", async () => {
    app = await startTestApp({ clock: fixedClock(START), shops: [SHOP_A], worker: false });
    const parcels = Array.from({ length: 8 }, (_, i) => journey(10 + i));
    const all = parcels.flatMap((p) => p.deliveries);
    // stored while there was room: each answered 200
    for (const d of all) expect((await app.sendWebhook(d.topic, d.payload, { webhookId: d.webhookId })).status).toBe(200);
    await nothingHalfWritten(app);

    // the disk fills up before the worker gets to them; a few pages left: the worker can claim its batch, and the disk fills up under the processing
    await fillDisk(app, 6);
    const errors = vi.spyOn(app.container.logger, "error");
    const infos = vi.spyOn(app.container.logger, "info");
    const warns = vi.spyOn(app.container.logger, "warn");
    app.container.queue.start(app.container.jobs, { recurring: app.container.recurring });
    // the worker goes through every delivery once (the clock holds still, so a failed one waits for its retry time):
    // each job ends done, or failed with its error written, or failed with even that not written (logged; its lease
    // runs out later)
    const unrecorded = () => new Set(errors.mock.calls.filter(([, message]) => message === "recording a job's outcome failed").map(([details]) => (details as { job: number }).job));
    const deadline = Date.now() + 60_000;
    for (;;) {
      const jobs = await app.db.selectFrom("Job").select(["id", "status", "lastError"]).where("name", "=", "process-delivery").execute();
      const open = jobs.filter((j) => j.status !== "done" && j.lastError === null && !unrecorded().has(j.id));
      if (!open.length) break;
      if (Date.now() > deadline) throw new Error(`${open.length} jobs never finished an attempt`);
      app.container.queue.wake?.();
      await new Promise((r) => setTimeout(r, 50));
    }
    const full = (calls: unknown[][]) => calls.filter((c) => /disk is full|SQLITE_FULL/i.test(JSON.stringify(c))).length;
    const failures = full(errors.mock.calls) + full(infos.mock.calls) + full(warns.mock.calls);
    // the fault did bite: processing failed for lack of space (the orders, whose rows need new pages)
    expect(failures).toBeGreaterThan(0);
    const during = await app.db.selectFrom("Job").select(["id", "status", "attempts", "lastError"]).where("name", "=", "process-delivery").execute();
    // no job is marked done for a delivery that was not processed, and none is gone
    expect(during).toHaveLength(all.length);
    const notDone = during.filter((j) => j.status !== "done");
    expect(notDone.length).toBeGreaterThan(0);
    const undone = await app.db.selectFrom("WebhookDelivery").select(["id", "status"]).where("status", "!=", "processed").execute();
    expect(undone.length).toBeGreaterThan(0);
    // every delivery the fault stopped still has its job waiting for a retry (or parked for replay): none marked done unprocessed
    const jobOf = new Map(during.map((j) => [j.id, j]));
    const jobsByDelivery = new Map((await app.db.selectFrom("Job").select(["id", "payload"]).where("name", "=", "process-delivery").execute()).map((j) => [(JSON.parse(j.payload) as { deliveryId: number }).deliveryId, jobOf.get(j.id)!]));
    for (const d of undone) {
      const job = jobsByDelivery.get(d.id)!;
      expect(job.status, `delivery ${d.id}`).not.toBe("done");
      if (job.status === "queued") expect(job.lastError).toMatch(/disk is full/);
    }
    expect(integrity(app)).toBe("ok");

    // space comes back: retries come due (and leases of attempts whose failure could not be written run out)
    freeDisk(app);
    const until = Date.now() + 90_000;
    while ((await app.db.selectFrom("WebhookDelivery").select("id").where("status", "!=", "processed").execute()).length) {
      if (Date.now() > until) throw new Error("deliveries left unprocessed after space came back");
      await advance(app, 5 * 60_000);
    }
    // a parked job (out of attempts while the disk was full) would be replayed by the operator: none should be needed here
    const parked = await app.container.queue.listParked({ shop: SHOP_A });
    if (parked.length) {
      await app.container.queue.replay({ shop: SHOP_A });
      await advance(app, 60_000);
    }
    await advance(app, 60 * 60_000);

    const deliveries = await nothingHalfWritten(app);
    expect(deliveries).toHaveLength(all.length);
    expect((await app.db.selectFrom("WebhookDelivery").select("status").execute()).every((r) => r.status === "processed")).toBe(true);
    const jobs = await app.db.selectFrom("Job").select(["status", "attempts"]).where("name", "=", "process-delivery").execute();
    expect(jobs.filter((j) => j.status !== "done")).toEqual([]);
    // the work was redone after the fault (retried), never skipped
    expect(jobs.some((j) => j.attempts > 1)).toBe(true);
    expect(await app.db.selectFrom("Order").select("orderId").execute()).toHaveLength(parcels.length);
    const shipments = await app.db.selectFrom("Shipment").select(["trackingNumber", "status"]).execute();
    expect(shipments.map((s) => s.trackingNumber).sort()).toEqual(parcels.map((p) => p.tracking).sort());
    expect(shipments.every((s) => s.status === "out_for_delivery")).toBe(true);
    const events = await app.db.selectFrom("ShipmentEvent").select(["eventKey"]).execute();
    expect(new Set(events.map((e) => e.eventKey)).size).toBe(events.length);
    expect(events.filter((e) => e.eventKey.startsWith("fe:"))).toHaveLength(parcels.length * 2);
    expect(integrity(app)).toBe("ok");
  }, 180_000);

  it("GIVEN the disk is full when a planned email comes due THEN the send fails before the relay gets it, is retried once space is back, and is delivered exactly once", async () => {
    smtp = await startSmtpCapture();
    // Ottawa: 02:00Z = 21:00 local, in quiet hours (21:00–08:00): the email waits for 08:00 local = 13:00Z
    app = await startTestApp({
      clock: fixedClock("2026-11-19T02:00:00Z"),
      shops: [SHOP_A],
      env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", NOTIFY_TIMEOUT_MS: "3000" },
      notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
    });
    const n = app.container.services.notifications;
    expect((await n.savePolicy(SHOP_A, { combineWindowMinutes: 0 })).ok).toBe(true);
    expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    const parcels = [journey(20), journey(21), journey(22)];
    for (const p of parcels) for (const d of p.deliveries.slice(0, 2)) expect((await app.sendWebhook(d.topic, d.payload, { webhookId: d.webhookId })).status).toBe(200);
    await app.settle();
    const planned = await app.db.selectFrom("Notification").selectAll().execute();
    expect(planned.map((r) => r.status)).toEqual(["pending", "pending", "pending"]);
    expect(new Set(planned.map((r) => new Date(r.sendAt).toISOString()))).toEqual(new Set(["2026-11-19T13:00:00.000Z"]));

    // the disk fills up overnight, leaving a page (the worker can still claim its jobs; rendered emails do not all fit)
    await fillDisk(app, 1);
    await advance(app, 11 * 3_600_000);
    const during = await app.db.selectFrom("Notification").selectAll().execute();
    const failed = during.filter((r) => r.status !== "sent");
    // the fault did bite: those that could not be written are waiting for a retry, with the disk named as the reason
    // (not a rollback error masking it), and none of them reached the relay
    expect(failed.length).toBeGreaterThan(0);
    for (const r of failed) {
      expect(r.status, r.sendKey).toBe("pending");
      expect(r.lastError, r.sendKey).toMatch(/disk is full/);
    }
    expect(smtp.messages).toHaveLength(during.length - failed.length);
    expect(integrity(app)).toBe("ok");

    // space comes back: the retries send each waiting email once
    freeDisk(app);
    const until = Date.now() + 60_000;
    while ((await app.db.selectFrom("Notification").select("status").where("status", "!=", "sent").execute()).length) {
      if (Date.now() > until) throw new Error("messages never sent after space came back");
      await advance(app, 60_000);
    }
    for (let i = 0; i < 3; i++) await advance(app, 30 * 60_000);
    const rows = await app.db.selectFrom("Notification").selectAll().execute();
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((r) => r.sendKey)).size).toBe(3);
    expect(smtp.messages).toHaveLength(3);
    for (const p of parcels) expect(smtp.messages.filter((m) => m.text.includes(p.tracking)), p.tracking).toHaveLength(1);
    const bare = (id: string | null) => (id ?? "").replace(/^<|>$/g, "");
    expect(rows.map((r) => bare(r.providerId)).sort()).toEqual(smtp.messages.map((m) => bare(m.messageId)).sort());
    const sentCount = await app.db.selectFrom("ScorecardDay").select("count").where("metric", "=", "message_sent").execute();
    expect(sentCount.reduce((sum, r) => sum + Number(r.count), 0)).toBe(3);
    const jobs = await app.db.selectFrom("Job").select(["status"]).where("name", "=", "send-notification").execute();
    expect(jobs.filter((j) => j.status !== "done")).toEqual([]);
    expect(integrity(app)).toBe("ok");
  }, 120_000);
});
