import { afterEach, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startSmtpCapture, type SmtpCapture } from "../../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../../fixtures/shopify";
import { freePort } from "../../support/app-process";
import { SHOP_A, startTestApp, type TestApp } from "../../support/test-app";

/**
 * Fault: the email relay goes away for a while and comes back on the same address. Customer emails planned
 * meanwhile must each reach the relay exactly once after it is back: counted in the relay's captured mail and
 * in the app's outbox (Notification) and job (Job) tables. Embedded topology: SQLite and the in-process worker.
 */
// Ottawa (the fixtures' destination) is on Toronto time: 15:00Z = 10:00 local, outside any quiet hours
const START = "2026-11-18T15:00:00Z";
const MAX_ATTEMPTS = 12;

let app: TestApp | null = null;
const relays: SmtpCapture[] = [];

afterEach(async () => {
  await app?.close();
  app = null;
  await Promise.all(relays.splice(0).map((r) => r.close()));
});

/** the relay on a fixed port; right after a close the port can take a moment to be free again */
async function relayOn(port: number): Promise<SmtpCapture> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const relay = await startSmtpCapture({ port });
      relays.push(relay);
      return relay;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE" || Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** the clock moves; the jobs that came due run (a send can schedule a follow-up: let it run too) */
async function advance(ms: number) {
  app!.clock.advance(ms);
  app!.container.queue.wake?.();
  await app!.settle();
  app!.container.queue.wake?.();
  await app!.settle();
}

const outbox = () => app!.db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).orderBy("id").execute();

async function shipOrder(i: number) {
  const email = `customer-${i}@example.com`;
  const order = orderPayload({ id: newId(), name: `#70${i}`, email, customer: { id: 7_100_000_100 + i, email, first_name: "Sam", last_name: `Doe${i}`, phone: null, tags: "" }, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00" });
  const tracking = `1Z999AA1${String(800_000 + i).padStart(10, "0")}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, email, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
  expect((await app!.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app!.sendWebhook("fulfillments/create", f)).status).toBe(200);
  return { order, fulfillment: f, email, tracking };
}

describe("fault: the SMTP relay is down for a while, then back on the same port", () => {
  it("GIVEN emails planned while the relay refuses connections THEN each is retried and delivered exactly once when it is back; none twice, none lost", async () => {
    const port = await freePort();
    const first = await relayOn(port);
    app = await startTestApp({
      clock: fixedClock(START),
      shops: [SHOP_A],
      env: { SMTP_URL: `smtp://127.0.0.1:${port}`, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", NOTIFY_TIMEOUT_MS: "3000", NOTIFY_MAX_ATTEMPTS: String(MAX_ATTEMPTS) },
      // short retries, so the outage spans several attempts of each message within a few clock steps
      notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
    });
    const n = app.container.services.notifications;
    expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).ok).toBe(true);
    expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });

    // relay up: two parcels' "packed" emails go at once
    const early = [await shipOrder(0), await shipOrder(1)];
    await app.settle();
    await first.waitFor(2, 30_000);
    expect((await outbox()).map((r) => r.status)).toEqual(["sent", "sent"]);

    // relay down (nothing listens on the port): four more parcels are packed and the first two are scanned
    await first.close();
    relays.splice(relays.indexOf(first), 1);
    const late = [await shipOrder(2), await shipOrder(3), await shipOrder(4), await shipOrder(5)];
    for (const [i, p] of early.entries()) {
      const scan = fulfillmentEventPayload(p.fulfillment.id, p.order.id, { status: "in_transit", message: "Departed from facility", happened_at: "2026-11-18T09:30:00-05:00" });
      expect((await app.sendWebhook("fulfillment_events/create", scan, { webhookId: `scan-${i}` })).status).toBe(200);
    }
    await app.settle();
    // a few retries while it stays down: every waiting message is still waiting (pending), none parked, none sent
    for (let i = 0; i < 3; i++) await advance(5_000);
    const waiting = (await outbox()).filter((r) => r.status !== "sent");
    expect(waiting).toHaveLength(6);
    for (const row of waiting) {
      expect(row.status, `${row.sendKey} while the relay is down`).toBe("pending");
      expect(row.attempts, row.sendKey).toBeGreaterThanOrEqual(2);
      expect(row.lastError, row.sendKey).toMatch(/SMTP: could not connect/);
    }
    expect(first.messages).toHaveLength(2);

    // the relay is back on the same port: the retries deliver everything that waited
    const second = await relayOn(port);
    const deadline = Date.now() + 90_000;
    while ((await outbox()).some((r) => r.status !== "sent")) {
      if (Date.now() > deadline) throw new Error(`not all sent: ${JSON.stringify((await outbox()).map((r) => [r.sendKey, r.status, r.attempts, r.lastError]))}`);
      await advance(10_000);
    }
    // and later sweeps, retries and stranded-message checks change nothing: an hour on, the same count
    for (let i = 0; i < 4; i++) await advance(15 * 60_000);

    const rows = await outbox();
    const captured = [...first.messages, ...second.messages];
    expect(second.messages).toHaveLength(6);
    expect(captured).toHaveLength(8);
    // one outbox row per (shipment, moment, channel), each sent once, each sent row matching one captured email
    expect(rows).toHaveLength(8);
    expect(new Set(rows.map((r) => r.sendKey)).size).toBe(8);
    expect(rows.every((r) => r.status === "sent" && r.sentAt !== null)).toBe(true);
    const bare = (id: string | null) => (id ?? "").replace(/^<|>$/g, "");
    const ids = captured.map((m) => bare(m.messageId));
    expect(new Set(ids).size).toBe(8);
    expect(rows.map((r) => bare(r.providerId)).sort()).toEqual([...ids].sort());
    // each customer got exactly their parcel's messages: packed for all six, the first scan for the first two
    const byRecipient = (to: string) => captured.filter((m) => m.to.includes(to));
    for (const p of [...early, ...late]) {
      const expected = early.includes(p) ? 2 : 1;
      expect(byRecipient(p.email), p.email).toHaveLength(expected);
      expect(byRecipient(p.email).every((m) => m.text.includes(p.tracking))).toBe(true);
    }
    expect(rows.filter((r) => r.moment === "packed")).toHaveLength(6);
    expect(rows.filter((r) => r.moment === "first_scan")).toHaveLength(2);
    // the six that waited were retried (more than one attempt), not parked
    const retried = rows.filter((r) => r.attempts > 1);
    expect(retried).toHaveLength(6);
    expect(retried.every((r) => r.attempts < MAX_ATTEMPTS)).toBe(true);
    // the job side: nothing parked, nothing left behind
    const jobs = await app.db.selectFrom("Job").select(["status", "name"]).where("name", "=", "send-notification").execute();
    expect(jobs.filter((j) => j.status === "failed")).toEqual([]);
    expect(jobs.filter((j) => j.status === "queued" || j.status === "running")).toEqual([]);
  }, 180_000);
});
