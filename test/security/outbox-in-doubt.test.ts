import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createChannelGateway, messageIdFor, type ClosableChannelGateway } from "~/.server/adapters/channels";
import { createNotificationRepository } from "~/.server/adapters/notifications";
import { MAY_HAVE_REPEATED } from "~/.server/services/notifications";
import type { NewNotification } from "~/.server/ports";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";
import { exited, spawnSendingWorker } from "../support/worker-process";

/**
 * A send whose worker dies after the relay accepted the message and before the answer was written is "in
 * doubt": the relay may have it. Mail servers do not de-duplicate on Message-ID, so sending it again blindly
 * mails the customer twice. The attempt is recorded before the provider call; a later worker that finds it in
 * flight asks the relay's message log when there is one, and otherwise sends again only after the lease plus a
 * call's time limit, flagged in the Outbox as possibly received twice. Real worker processes, really SIGKILLed
 * inside that window (the SMTP stand-in holds its 250 until the worker is dead).
 */
const LEASE_MS = 1_000;
const CALL_TIMEOUT_MS = 1_000;

let smtp: SmtpCapture;
let app: TestApp;
const workers = new Set<ChildProcess>();

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(async () => {
  for (const w of workers) {
    w.kill("SIGKILL");
    await exited(w);
  }
  workers.clear();
  await app?.close();
});

function startWorker(env: Record<string, string>): ChildProcess {
  const child = spawnSendingWorker({
    databaseUrl: app.container.config.database.url,
    smtpUrl: smtp.url,
    env: { JOB_LEASE_SECONDS: String(LEASE_MS / 1000), NOTIFY_TIMEOUT_MS: String(CALL_TIMEOUT_MS), ...env },
  });
  workers.add(child);
  return child;
}

async function startApp() {
  smtp.reset();
  // this process only receives webhooks: the worker processes do everything else
  app = await startTestApp({ worker: false, env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>" } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0, freshnessHours: 336 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  const order = orderPayload({ id: newId(), name: "#D1001", created_at: new Date(Date.now() - 3_600_000).toISOString(), updated_at: new Date(Date.now() - 3_600_000).toISOString() });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: "#D1001.1", tracking_number: tracking, tracking_numbers: [tracking], created_at: new Date(Date.now() - 1_800_000).toISOString(), updated_at: new Date(Date.now() - 1_800_000).toISOString() });
  expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
}

const message = async () => (await app.db.selectFrom("Notification").selectAll().execute())[0]!;

/** the first worker sends the "packed" email and is SIGKILLed after the relay stored it, before it hears 250 */
async function killWorkerInsideTheWindow(env: Record<string, string>) {
  const first = startWorker(env);
  smtp.onAccept(async () => {
    first.kill("SIGKILL");
    await exited(first);
  });
  await smtp.waitFor(1, 60_000);
  await exited(first);
  smtp.onAccept(null);
  const row = await message();
  // the attempt was recorded, and committed, before the provider call: the row says it is in flight
  expect(row).toMatchObject({ status: "sending", attempts: 1 });
  expect(row.statusReason).toMatch(/^In flight: attempt 1 handed to Email at .+, no answer recorded yet$/);
  // what was handed over is kept with it
  expect(row.subject).toMatch(/packed/i);
  return row;
}

async function untilSettled(deadlineMs = 60_000) {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const row = await message();
    if (row.status !== "sending" && row.status !== "pending") return row;
    if (Date.now() > deadline) throw new Error(`message still ${row.status} (${row.statusReason}) after ${deadlineMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("outbox: a send cut off in flight is not blindly sent again", () => {
  it("GIVEN the relay keeps a message log WHEN the worker dies after the relay accepted the email THEN the next worker asks the log and does not send it again", async () => {
    await startApp();
    const env = { SMTP_PROBE_URL: smtp.eventsUrl };
    await killWorkerInsideTheWindow(env);
    startWorker(env);
    const row = await untilSettled();
    expect(row).toMatchObject({ status: "sent", statusReason: "Sent: the provider confirmed it had the message after the worker sending it stopped" });
    // the log was asked for exactly this message, and the customer got it once
    const wanted = messageIdFor(`${row.shop}|${row.sendKey}`);
    expect(row.providerId).toBe(wanted);
    expect(smtp.eventQueries.map((q) => q.get("message-id"))).toContain(wanted.replace(/^<|>$/g, ""));
    expect(smtp.messages.map((m) => m.messageId)).toEqual([wanted]);
    expect((await app.container.services.notifications.outbox(SHOP_A, {}, { limit: 10, offset: 0 })).mayHaveRepeated).toBe(0);
  }, 120_000);

  it("GIVEN the log shows the relay never took it THEN it is sent as usual, unflagged", async () => {
    await startApp();
    const env = { SMTP_PROBE_URL: smtp.eventsUrl };
    await killWorkerInsideTheWindow(env);
    // the relay lost it (its log is empty): going again is the only way it arrives
    smtp.reset();
    startWorker(env);
    const row = await untilSettled();
    expect(row).toMatchObject({ status: "sent", statusReason: null, lastError: null });
    expect(smtp.messages).toHaveLength(1);
  }, 120_000);

  it("GIVEN no way to ask the relay THEN it goes again only after the lease and a call's time limit, flagged as possibly received twice", async () => {
    await startApp();
    await killWorkerInsideTheWindow({});
    const killedAt = smtp.messages[0]!.receivedAt;
    startWorker({});
    const row = await untilSettled();
    // never lost: sent again, with the same Message-ID, and the Outbox says it may have arrived twice
    expect(row).toMatchObject({ status: "sent", statusReason: MAY_HAVE_REPEATED });
    expect(row.lastError).toMatch(/worker stopped before recording the answer; Email offers no way to ask whether it arrived, so it was sent again/);
    expect(smtp.messages).toHaveLength(2);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(1);
    // the Outbox counts them for the merchant
    expect((await app.container.services.notifications.outbox(SHOP_A, {}, { limit: 10, offset: 0 })).mayHaveRepeated).toBe(1);
    // not the moment the lease ran out: a worker that was merely slow had its whole call to record the answer
    // (the hand-over came a little before the relay stored the first copy)
    expect(smtp.messages[1]!.receivedAt - killedAt).toBeGreaterThanOrEqual(LEASE_MS + CALL_TIMEOUT_MS - 500);
  }, 120_000);
});

// the hand-over is one transaction: on both databases (PostgreSQL as postgres.test.ts runs it, a database per run)
const PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

async function withPostgres(name: string, sql: "create" | "drop") {
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(sql === "create" ? `CREATE DATABASE ${name}` : `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}

describe.each([["SQLite"], ["PostgreSQL"]])("outbox: the hand-over is fenced by the lease, on %s", (dialect) => {
  const pgName = `shipwatch_outbox_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const env: Record<string, string> = dialect === "PostgreSQL" ? { DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${pgName}` } : {};
  beforeAll(async () => {
    if (dialect === "PostgreSQL") await withPostgres(pgName, "create");
  });
  afterAll(async () => {
    if (dialect === "PostgreSQL") await withPostgres(pgName, "drop");
  });
  const open = async () => {
    app = await startTestApp({ worker: false, env });
    expect(app.container.database.dialect).toBe(dialect === "PostgreSQL" ? "postgres" : "sqlite");
    return createNotificationRepository(app.container.database);
  };
  const row = (over: Partial<NewNotification> = {}): NewNotification => ({
    shop: SHOP_A,
    sendKey: `${newId()}|packed|email`,
    shipmentId: 1,
    orderId: "5001",
    orderName: "#5001",
    moment: "packed",
    channel: "email",
    ruleId: null,
    template: "packed",
    locale: "en",
    recipient: "maya.chen@example.com",
    sendAt: 0,
    createdAt: 0,
    ...over,
  });
  const change = (fence: number, at: number) => ({ fence, lockedUntil: at + 5_000, reason: "In flight: test", subject: "s", preview: "p", html: null, at });

  it("GIVEN a worker whose lease ran out and was taken over THEN its hand-over is refused and writes nothing; the new holder's goes through", async () => {
    const outbox = await open();
    const [planned] = await outbox.insertNew([row({ orderId: String(newId()) })]);
    const slow = await outbox.claim(SHOP_A, planned!.id, 1_000, 1_000);
    expect(await outbox.claim(SHOP_A, planned!.id, 1_500, 1_000)).toBeNull();
    const taker = await outbox.claim(SHOP_A, planned!.id, 2_500, 1_000);
    expect(taker).not.toBeNull();
    expect(await outbox.handOver(SHOP_A, planned!.id, [], change(slow!.lockedUntil!, 2_600))).toBe(false);
    expect(await outbox.get(SHOP_A, planned!.id)).toMatchObject({ statusReason: null, lockedUntil: 3_500, subject: null });
    expect(await outbox.handOver(SHOP_A, planned!.id, [], change(taker!.lockedUntil!, 2_600))).toBe(true);
    expect(await outbox.get(SHOP_A, planned!.id)).toMatchObject({ status: "sending", statusReason: "In flight: test", lockedUntil: 7_600, subject: "s" });
  });

  it("GIVEN a lead whose carried message was taken by another worker THEN nothing is handed over, the lead included", async () => {
    const outbox = await open();
    const orderId = String(newId());
    const [lead, other] = await outbox.insertNew([row({ orderId, shipmentId: 1 }), row({ orderId, shipmentId: 2 })]);
    const claimed = await outbox.claim(SHOP_A, lead!.id, 1_000, 1_000);
    const carried = await outbox.claimSiblings(claimed!, 1_000, 1_000, 1_000);
    expect(carried.map((c) => c.id)).toEqual([other!.id]);
    // the lead's worker stalls past the lease; the other message's own job takes it
    expect(await outbox.claim(SHOP_A, other!.id, 2_500, 1_000)).not.toBeNull();
    expect(await outbox.handOver(SHOP_A, lead!.id, [other!.id], change(claimed!.lockedUntil!, 2_600))).toBe(false);
    expect(await outbox.get(SHOP_A, lead!.id)).toMatchObject({ status: "sending", statusReason: null, lockedUntil: 2_000 });
  });

  it("GIVEN a lead whose attempt was cut off in flight THEN its next attempt takes back what it carried, and they end combined into it", async () => {
    const outbox = await open();
    const orderId = String(newId());
    const [lead, other] = await outbox.insertNew([row({ orderId, shipmentId: 1 }), row({ orderId, shipmentId: 2 })]);
    const claimed = await outbox.claim(SHOP_A, lead!.id, 1_000, 1_000);
    await outbox.claimSiblings(claimed!, 1_000, 1_000, 1_000);
    expect(await outbox.handOver(SHOP_A, lead!.id, [other!.id], change(claimed!.lockedUntil!, 1_100))).toBe(true);
    expect(await outbox.get(SHOP_A, other!.id)).toMatchObject({ status: "sending", combinedInto: lead!.id, lockedUntil: 6_100 });
    // the worker died; after the lease, the lead is claimed again and takes its passenger back
    const again = await outbox.claim(SHOP_A, lead!.id, 7_000, 1_000);
    expect((await outbox.claimSiblings(again!, 7_000, 7_000, 1_000)).map((c) => c.id)).toEqual([other!.id]);
    await outbox.markSent(SHOP_A, [lead!.id], { providerId: "<x@shipwatch>", subject: "s", preview: "p", html: null, at: 7_100 });
    await outbox.markCombined(SHOP_A, { id: lead!.id, sentAt: 7_100, providerId: "<x@shipwatch>" }, 7_100);
    expect(await outbox.get(SHOP_A, other!.id)).toMatchObject({ status: "combined", combinedInto: lead!.id, sentAt: 7_100 });
  });
});

describe("outbox: the relay's message log (the probe)", () => {
  let gateway: ClosableChannelGateway;
  const probeGateway = (probeUrl: string | null) =>
    createChannelGateway({ email: { smtpUrl: smtp.url, from: "Alpha Goods <hello@alpha-goods.test>", probeUrl }, timeoutMs: 2_000, twilioApiBase: "http://127.0.0.1:9", klaviyoApiBase: "http://127.0.0.1:9", shopifyApiVersion: "2026-07" });
  const relay = { settings: {}, secret: {} };
  afterEach(async () => {
    await gateway?.close();
  });

  it("GIVEN a message the relay accepted THEN the probe finds it by its Message-ID; another key is unknown to it", async () => {
    smtp.reset();
    gateway = probeGateway(smtp.eventsUrl);
    const key = `${SHOP_A}|${newId()}|packed|email`;
    const sent = await gateway.send({ shop: SHOP_A, channel: "email", idempotencyKey: key, to: "maya.chen@example.com", subject: "Packed", text: "Packed.", html: null, event: { name: "x", moment: "packed", occurredAt: 0, profile: { email: null, phone: null }, properties: {} }, shopify: null }, relay);
    expect(sent.ok).toBe(true);
    expect(await gateway.probe({ channel: "email", idempotencyKey: key }, relay)).toEqual({ state: "accepted", providerId: messageIdFor(key) });
    expect(await gateway.probe({ channel: "email", idempotencyKey: `${key}-other` }, relay)).toEqual({ state: "unknown" });
  });

  it("GIVEN a wrong key, no log, a shop's own server or another channel THEN the probe says it cannot tell, and never shows the key", async () => {
    const wrong = smtp.eventsUrl.replace(/key-capture/, "key-wrong");
    gateway = probeGateway(wrong);
    const refused = await gateway.probe({ channel: "email", idempotencyKey: "k" }, relay);
    expect(refused).toEqual({ state: "error", error: "the relay's message log answered 401" });
    await gateway.close();
    gateway = probeGateway(null);
    expect(await gateway.probe({ channel: "email", idempotencyKey: "k" }, relay)).toEqual({ state: "unsupported" });
    await gateway.close();
    gateway = probeGateway(smtp.eventsUrl);
    expect(await gateway.probe({ channel: "email", idempotencyKey: "k" }, { settings: {}, secret: { smtpUrl: "smtp://mail.example.test:587" } })).toEqual({ state: "unsupported" });
    expect(await gateway.probe({ channel: "sms", idempotencyKey: "k" }, relay)).toEqual({ state: "unsupported" });
    // a log that does not answer: an error in words, without the credentials of its URL
    await gateway.close();
    gateway = probeGateway("http://api:key-secret-123@127.0.0.1:9/v3/mg.test/events");
    const down = await gateway.probe({ channel: "email", idempotencyKey: "k" }, relay);
    expect(down.state).toBe("error");
    expect(JSON.stringify(down)).not.toContain("key-secret-123");
  });
});
