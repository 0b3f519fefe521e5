import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { createNotificationRepository } from "~/.server/adapters/notifications";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * A customer message with no usable address can never be delivered: no retry, no replay, no fix on the
 * merchant's side changes that. It is "suppressed" (the Outbox's "Not sent" tab) with the reason in words, not
 * parked as "failed" for a replay that cannot help — and a bad address is not a channel outage either.
 */
const TWILIO = { accountSid: `AC${"b".repeat(32)}`, authToken: "twilio-auth-token-recipients-0001" };
// Ottawa (the fixtures' destination) is on Toronto time: 15:00Z = 10:00 local, outside quiet hours
const START = "2026-11-18T15:00:00Z";

let smtp: SmtpCapture;
let providers: FakeProviders;
let app: TestApp;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  providers = await startFakeProviders({ twilio: TWILIO });
});
afterAll(async () => {
  await smtp.close();
  await providers.close();
});
afterEach(async () => {
  await app?.close();
});

async function start(channel: "email" | "sms", policy: Record<string, unknown> = {}) {
  smtp.reset();
  providers.reset();
  app = await startTestApp({
    clock: fixedClock(START),
    env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", TWILIO_API_BASE: providers.twilioApiBase, NOTIFY_MAX_ATTEMPTS: "4" },
    notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
  });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0, sms: { minOrderValue: 0, express: true }, ...policy })).ok).toBe(true);
  const saved =
    channel === "email"
      ? await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })
      : await n.saveChannel(SHOP_A, "sms", { enabled: true, settings: { accountSid: TWILIO.accountSid, from: "+15005550006" }, secret: { authToken: TWILIO.authToken } });
  expect(saved).toEqual({ ok: true });
}

async function shipOrder(order: Record<string, unknown> = {}) {
  const o = orderPayload({ id: newId(), name: `#${Math.floor(Math.random() * 90000) + 10000}`, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00", ...order });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(o.id, { name: `${o.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
  expect((await app.sendWebhook("orders/create", o)).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
  await app.settle();
  return o;
}

const outbox = () => app.db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).orderBy("id").execute();

/** what the merchant sees and can do: the "Not sent" tab lists it, Replay skips it, no channel alert */
async function expectSuppressedForGood(reason: string | RegExp) {
  const n = app.container.services.notifications;
  const [row] = await outbox();
  expect(row).toMatchObject({ status: "suppressed" });
  expect(row!.statusReason).toMatch(reason);
  const view = await n.outbox(SHOP_A, { status: "suppressed" }, { limit: 10, offset: 0 });
  expect(view.rows.map((r) => r.id)).toEqual([row!.id]);
  expect(view.counts).toMatchObject({ suppressed: 1, failed: 0 });
  expect(await n.replay(SHOP_A, null)).toBe(0);
  expect(await n.replay(SHOP_A, [row!.id])).toBe(0);
  // the channel itself works: a bad address is no outage
  const overview = await n.overview(SHOP_A);
  expect(overview.channels.find((c) => c.channel === row!.channel)).toMatchObject({ failingSince: null, alerting: false });
  return row!;
}

describe("outbox: messages with no usable address are suppressed, with the reason", () => {
  it("GIVEN an order whose email address is incomplete THEN the email is not sent but suppressed, and Replay leaves it", async () => {
    await start("email");
    await shipOrder({ email: "maya.chen@", customer: { id: 7_100_000_002, email: "maya.chen@", first_name: "Maya", last_name: "Chen" } });
    const row = await expectSuppressedForGood(/^Email address not usable: /);
    // the reason names the problem, never the address (reasons are not redacted; the recipient is)
    expect(row.statusReason).not.toContain("maya.chen");
    app.clock.advance(3_600_000);
    app.container.queue.wake?.();
    await app.settle();
    expect(smtp.messages).toHaveLength(0);
  });

  it("GIVEN a message whose recipient was erased while it waited THEN it is suppressed as having no address", async () => {
    // quiet hours all day long: the message waits, and the customer's data is erased meanwhile
    await start("email", { quietHours: { enabled: true, start: "00:00", end: "23:59" } });
    const order = await shipOrder();
    const [waiting] = await outbox();
    expect(waiting).toMatchObject({ status: "pending" });
    expect(waiting!.sendAt).toBeGreaterThan(app.clock.now());
    await createNotificationRepository(app.container.database).redactOrders(SHOP_A, [String(order.id)]);
    app.clock.advance(waiting!.sendAt - app.clock.now() + 1_000);
    app.container.queue.wake?.();
    await app.settle();
    await expectSuppressedForGood("No email address on the order");
    expect(smtp.messages).toHaveLength(0);
  });

  it("GIVEN a receiving server that says the mailbox does not exist THEN the email is suppressed with that reason; other refusals stay the merchant's to fix", async () => {
    await start("email");
    smtp.failNext(1, 550, "5.1.1 <maya.chen@example.com>: Recipient address rejected: User unknown");
    await shipOrder();
    const row = await expectSuppressedForGood("Email address not usable: the receiving server says the mailbox does not exist (SMTP 550 5.1.1)");
    expect(row.statusReason).not.toContain("maya.chen");
    expect(row.lastError).toMatch(/User unknown/);
    await app.close();

    // the sender refused (5.7.1, e.g. not allowed to relay): parked for a replay once the merchant fixes it
    await start("email");
    smtp.failNext(1, 550, "5.7.1 Relaying denied");
    await shipOrder();
    const [parked] = await outbox();
    expect(parked).toMatchObject({ status: "failed", statusReason: "Parked: the provider refused it (retrying cannot help)" });
  });

  it("GIVEN Twilio refusing the number itself THEN the text is suppressed with Twilio's reason in words, not parked as failed", async () => {
    await start("sms");
    providers.failNext("twilio", 1, { status: 400, body: JSON.stringify({ code: 21211, message: "The 'To' number +16135550123 is not a valid phone number.", more_info: "https://www.twilio.com/docs/errors/21211", status: 400 }) });
    await shipOrder();
    const row = await expectSuppressedForGood("Phone number not usable for SMS: Twilio says it is not a valid phone number (21211)");
    expect(row.statusReason).not.toContain("6135550123");
    // the provider's own words stay in the error, which redaction scrubs with the recipient
    expect(row.lastError).toMatch(/21211/);
    expect(row.attempts).toBe(1);
    app.clock.advance(3_600_000);
    app.container.queue.wake?.();
    await app.settle();
    expect(providers.twilioMessages()).toHaveLength(0);
  });

  it("GIVEN a text to a recipient who replied STOP THEN it is suppressed as unsubscribed", async () => {
    await start("sms");
    providers.failNext("twilio", 1, { status: 400, body: JSON.stringify({ code: 21610, message: "Attempt to send to unsubscribed recipient", status: 400 }) });
    await shipOrder();
    await expectSuppressedForGood(/^Phone number not usable for SMS: the recipient has unsubscribed/);
  });
});
