import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { verifyShipwatchSignature } from "~/.server/adapters/channels";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The notification pipeline end to end: signed webhooks in, real messages out to local stand-ins of SMTP,
 * Twilio, Slack, Klaviyo, a helpdesk webhook and the Shopify Admin API.
 */
const TWILIO = { accountSid: `AC${"a".repeat(32)}`, authToken: "twilio-auth-token-1234567890" };
const KLAVIYO = { privateKey: "pk_abcdefghijklmnopqrstuvwx" };
const HOOK_SECRET = "helpdesk-signing-secret-0123456789";
// Ottawa (the fixtures' destination) is on Toronto time: 15:00Z = 10:00 local, outside quiet hours
const START = "2026-11-18T15:00:00Z";

let smtp: SmtpCapture;
let providers: FakeProviders;
let app: TestApp;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  providers = await startFakeProviders({ twilio: TWILIO, klaviyo: KLAVIYO });
});
afterAll(async () => {
  await smtp.close();
  await providers.close();
});

async function start(options: { policy?: Record<string, unknown>; channels?: string[]; clock?: string } = {}) {
  smtp.reset();
  providers.reset();
  app = await startTestApp({
    clock: fixedClock(options.clock ?? START),
    env: {
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>",
      TWILIO_API_BASE: providers.twilioApiBase,
      KLAVIYO_API_BASE: providers.klaviyoApiBase,
      SHOPIFY_ADMIN_API_BASE: providers.shopifyAdminApiBase,
      NOTIFY_TIMEOUT_MS: "1000",
      NOTIFY_MAX_ATTEMPTS: "4",
    },
    notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
  });
  const n = app.container.services.notifications;
  for (const shop of [SHOP_A, SHOP_B]) {
    const saved = await n.savePolicy(shop, { quietHours: { enabled: false }, combineWindowMinutes: 0, ...options.policy });
    expect(saved.ok).toBe(true);
  }
  const wanted = new Set(options.channels ?? ["email"]);
  const connect = async (channel: Parameters<typeof n.saveChannel>[1], settings: Record<string, unknown>, secret: Record<string, unknown>) => {
    if (!wanted.has(channel)) return;
    const r = await n.saveChannel(SHOP_A, channel, { enabled: true, settings, secret });
    expect(r, channel).toEqual({ ok: true });
  };
  await connect("email", {}, {});
  await connect("sms", { accountSid: TWILIO.accountSid, from: "+15005550006" }, { authToken: TWILIO.authToken });
  await connect("klaviyo", {}, { privateKey: KLAVIYO.privateKey });
  await connect("slack", { label: "#shipping-alerts" }, { webhookUrl: providers.slackWebhookUrl("T000/B000/alerts") });
  await connect("webhook", { url: providers.hookUrl("gorgias") }, { signingSecret: HOOK_SECRET });
  await connect("shopify", { tagExceptions: true, statusMetafield: true }, {});
  return app;
}

afterEach(async () => {
  await app?.close();
});

/** the clock moves; jobs that came due run */
async function advance(ms: number) {
  app.clock.advance(ms);
  app.container.queue.wake?.();
  await app.settle();
  // a send can schedule follow-ups (retries, the next moment): let them run too
  app.container.queue.wake?.();
  await app.settle();
}

async function shipOrder(opts: { order?: Record<string, unknown>; fulfillment?: Record<string, unknown>; shop?: string } = {}) {
  const order = orderPayload({ id: newId(), name: `#${Math.floor(Math.random() * 90000) + 10000}`, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00", ...opts.order });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00", ...opts.fulfillment });
  const shop = opts.shop ?? SHOP_A;
  expect((await app.sendWebhook("orders/create", order, { shop })).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
  await app.settle();
  const event = async (status: string, message: string, at: string, extra: Record<string, unknown> = {}) => {
    expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status, message, happened_at: at, ...extra }), { shop })).status).toBe(200);
    await app.settle();
  };
  return { order, fulfillment: f, event };
}

const outbox = (shop = SHOP_A) => app.db.selectFrom("Notification").selectAll().where("shop", "=", shop).orderBy("id").execute();

describe("notifications: moments on email", () => {
  it("GIVEN a parcel's journey THEN one email per moment, worded for the moment, and the check-in after the hold", async () => {
    await start();
    const { order, event } = await shipOrder();
    await smtp.waitFor(1);
    expect(smtp.messages[0]!.to).toEqual(["maya.chen@example.com"]);
    expect(smtp.messages[0]!.subject).toMatch(/packed/i);
    expect(smtp.messages[0]!.text).not.toMatch(/on its way/i);

    await event("in_transit", "Departed from facility", "2026-11-18T12:00:00-05:00");
    await event("in_transit", "Arrived at facility", "2026-11-18T14:00:00-05:00"); // no new moment
    await event("out_for_delivery", "Out for delivery", "2026-11-18T15:00:00-05:00");
    await event("delivered", "Delivered, front door", "2026-11-18T16:00:00-05:00");
    expect(smtp.messages.map((m) => m.subject)).toHaveLength(4);

    const rows = await outbox();
    expect(rows.map((r) => [r.moment, r.channel, r.status])).toEqual([
      ["packed", "email", "sent"],
      ["first_scan", "email", "sent"],
      ["out_for_delivery", "email", "sent"],
      ["delivered", "email", "sent"],
      ["post_delivery", "email", "pending"],
    ]);
    const checkIn = rows[4]!;
    const delivered = Date.parse("2026-11-18T16:00:00-05:00");
    expect(checkIn.sendAt).toBeGreaterThanOrEqual(delivered + 12 * 3_600_000);

    await advance(checkIn.sendAt - app.clock.now() - 60_000);
    expect(smtp.messages).toHaveLength(4);
    await advance(2 * 60_000);
    expect(smtp.messages).toHaveLength(5);
    expect(smtp.messages[4]!.subject).not.toBe(smtp.messages[3]!.subject);
    expect((await outbox()).every((r) => r.status === "sent")).toBe(true);
    // every mail names the order and carries the send key as its idempotency key
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(5);
    for (const m of smtp.messages) expect(m.text).toContain(order.name.replace("#", ""));
    // the shop's own words and addresses, never the editor's sample data
    const all = smtp.messages.map((m) => m.raw).join("\n");
    expect(all).not.toMatch(/maple/i);
    expect(all).toContain("hello@alpha-goods.test");
  });

  it("GIVEN quiet hours in the recipient's zone THEN the message waits for their morning", async () => {
    // 03:30Z = 22:30 in Ottawa; quiet hours 21:00–08:00 there
    await start({ clock: "2026-11-19T03:30:00Z", policy: { quietHours: { enabled: true, start: "21:00", end: "08:00" } } });
    await shipOrder();
    expect(smtp.messages).toHaveLength(0);
    const [row] = await outbox();
    expect(new Date(row!.sendAt).toISOString()).toBe("2026-11-19T13:00:00.000Z"); // 08:00 EST
    await advance(9 * 3_600_000);
    expect(smtp.messages).toHaveLength(0);
    await advance(30 * 60_000);
    expect(smtp.messages).toHaveLength(1);
    expect((await outbox())[0]!.sentAt).toBeGreaterThanOrEqual(Date.parse("2026-11-19T13:00:00Z"));
  });

  it("GIVEN a cancelled order THEN nothing is sent, and a waiting message is dropped", async () => {
    await start({ policy: { combineWindowMinutes: 10 } });
    const { order } = await shipOrder();
    expect((await outbox()).map((r) => r.status)).toEqual(["pending"]);
    await app.sendWebhook("orders/cancelled", { ...order, cancelled_at: "2026-11-18T10:01:00-05:00", updated_at: "2026-11-18T10:01:00-05:00" });
    await app.settle();
    await advance(11 * 60_000);
    expect(smtp.messages).toHaveLength(0);
    expect((await outbox()).map((r) => [r.status, r.statusReason])).toEqual([["suppressed", "The order or shipment was cancelled"]]);
  });

  it("GIVEN two shipments of one order moving together THEN one message names both", async () => {
    await start({ policy: { combineWindowMinutes: 5 } });
    const order = orderPayload({ id: newId(), name: "#4242" });
    await app.sendWebhook("orders/create", order);
    const trackings = ["1Z999AA10000000011", "1Z999AA10000000022"];
    for (const [i, t] of trackings.entries()) {
      await app.sendWebhook("fulfillments/create", fulfillmentPayload(order.id, { name: `#4242.${i + 1}`, tracking_number: t, tracking_numbers: [t], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" }));
    }
    await app.settle();
    await advance(6 * 60_000);
    expect(smtp.messages).toHaveLength(1);
    for (const t of trackings) expect(smtp.messages[0]!.text).toContain(t);
    const rows = await outbox();
    expect(rows.map((r) => r.status).sort()).toEqual(["combined", "sent"]);
    expect(rows.find((r) => r.status === "combined")!.combinedInto).toBe(rows.find((r) => r.status === "sent")!.id);
  });

  it("GIVEN a shipment past its daily limit THEN the next moment waits for the recipient's next day, and goes only if still true", async () => {
    await start({ policy: { dailyCap: 2 } });
    const { event } = await shipOrder();
    await event("in_transit", "Departed from facility", "2026-11-18T11:00:00-05:00");
    expect(smtp.messages.map((m) => m.subject)).toHaveLength(2);
    await event("delayed", "Weather delay", "2026-11-18T12:00:00-05:00", { status: "delayed" });
    const waiting = (await outbox()).find((r) => r.moment === "delay_other" || r.moment === "delay_weather")!;
    expect(waiting).toMatchObject({ status: "pending", attempts: 0 });
    expect(waiting.statusReason).toMatch(/Daily limit of 2/);
    expect(new Date(waiting.sendAt).toISOString()).toBe("2026-11-19T05:00:00.000Z"); // midnight in Ottawa
    expect(smtp.messages).toHaveLength(2);
    // the delivery is never held back by the cap
    await event("delivered", "Delivered", "2026-11-18T13:00:00-05:00");
    expect(smtp.messages).toHaveLength(3);
    expect(smtp.messages[2]!.subject).toMatch(/delivered/i);
    // by the next day the delay is history: it is dropped, not sent late
    await advance(15 * 3_600_000);
    expect((await outbox()).find((r) => r.id === waiting.id)).toMatchObject({ status: "suppressed" });
    expect(smtp.messages.filter((m) => /delay|weather/i.test(m.subject))).toHaveLength(0);
  });

  it("GIVEN a combined message whose send fails THEN the other shipment is not lost: each tracking number reaches the customer once", async () => {
    await start({ policy: { combineWindowMinutes: 5 } });
    const order = orderPayload({ id: newId(), name: "#4343" });
    await app.sendWebhook("orders/create", order);
    const trackings = ["1Z999AA10000000033", "1Z999AA10000000044"];
    for (const [i, t] of trackings.entries()) {
      await app.sendWebhook("fulfillments/create", fulfillmentPayload(order.id, { name: `#4343.${i + 1}`, tracking_number: t, tracking_numbers: [t], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" }));
    }
    await app.settle();
    smtp.failNext(1, 451, "4.3.0 Try again later");
    await advance(6 * 60_000);
    expect(smtp.messages).toHaveLength(0);
    // nothing is marked as gone with a message that did not go
    expect((await outbox()).filter((r) => r.status === "combined")).toEqual([]);
    await advance(30 * 60_000);
    const rows = await outbox();
    expect(rows.every((r) => r.status === "sent" || r.status === "combined")).toBe(true);
    const text = smtp.messages.map((m) => m.text).join("\n");
    for (const t of trackings) expect(text.split(t).length - 1, t).toBeGreaterThanOrEqual(1);
    // each shipment's moment went in exactly one email
    for (const t of trackings) expect(smtp.messages.filter((m) => m.text.includes(t))).toHaveLength(1);
  });

  it("GIVEN a storm of duplicate and reordered events THEN no message is sent twice", async () => {
    await start();
    const orders = [];
    for (let i = 0; i < 12; i++) {
      const order = orderPayload({ id: newId(), name: `#S${i}` });
      const t = `1Z999AA1${String(700000 + i).padStart(10, "0")}`;
      const f = fulfillmentPayload(order.id, { name: `#S${i}.1`, tracking_number: t, tracking_numbers: [t], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
      const events = [
        fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Departed", happened_at: "2026-11-18T10:00:00-05:00" }),
        fulfillmentEventPayload(f.id, order.id, { status: "out_for_delivery", message: "Out for delivery", happened_at: "2026-11-18T11:00:00-05:00" }),
        fulfillmentEventPayload(f.id, order.id, { status: "delivered", message: "Delivered", happened_at: "2026-11-18T12:00:00-05:00" }),
      ];
      orders.push({ order, f, events });
    }
    const deliveries: [string, unknown, string][] = [];
    for (const { order, f, events } of orders) {
      deliveries.push(["orders/create", order, `o-${order.id}`], ["fulfillments/create", f, `f-${f.id}`]);
      for (const e of events) deliveries.push(["fulfillment_events/create", e, `e-${e.id}`]);
    }
    // every delivery three times (same webhook id twice, a fresh id once), in a shuffled order
    const storm = deliveries.flatMap(([t, p, id]) => [[t, p, id], [t, p, id], [t, p, `${id}-retry`]] as const);
    let seed = 7;
    const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    for (let i = storm.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [storm[i], storm[j]] = [storm[j]!, storm[i]!];
    }
    for (const [topic, payload, webhookId] of storm) {
      expect((await app.sendWebhook(topic, payload, { webhookId })).status).toBe(200);
      if (rand() < 0.2) await app.settle();
    }
    await app.settle();
    await advance(15 * 3_600_000);
    const keys = (await outbox()).filter((r) => r.status === "sent").map((r) => `${r.shipmentId}|${r.moment}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = smtp.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(smtp.messages.length).toBe(keys.length);
    // each order ends with its delivered message and the check-in
    for (const { order } of orders) {
      const mine = (await outbox()).filter((r) => r.orderId === String(order.id) && r.status === "sent").map((r) => r.moment);
      expect(mine).toEqual(expect.arrayContaining(["delivered", "post_delivery"]));
    }
  });
});

describe("notifications: channels, retries, parking", () => {
  it("GIVEN every channel connected THEN each moment reaches each channel once, in its own shape", async () => {
    await start({ channels: ["email", "sms", "klaviyo", "webhook", "shopify", "slack"], policy: { sms: { minOrderValue: 100, express: true } } });
    const { order, event } = await shipOrder();
    await event("exception", "Severe weather delay", "2026-11-18T12:00:00-05:00", { status: "delayed" });
    expect(providers.twilioMessages().map((m) => m.to)).toEqual(["+16135550123", "+16135550123"]);
    expect(providers.twilioMessages()[0]!.body).not.toMatch(/on its way/i);
    const events = providers.klaviyoEvents() as { data: { attributes: { unique_id: string; metric: { data: { attributes: { name: string } } }; properties: Record<string, unknown> } } }[];
    expect(events.map((e) => e.data.attributes.properties.moment)).toEqual(["packed", "delay_weather"]);
    expect(new Set(events.map((e) => e.data.attributes.unique_id)).size).toBe(2);
    const hooks = providers.requests("hooks");
    expect(hooks).toHaveLength(2);
    for (const h of hooks) expect(verifyShipwatchSignature(h.body, h.headers, HOOK_SECRET, app.clock.now(), 300_000)).toMatchObject({ ok: true });
    expect(verifyShipwatchSignature(hooks[0]!.body, hooks[0]!.headers, "wrong-secret-0123456789", app.clock.now(), 300_000)).toMatchObject({ ok: false });
    const state = providers.shopifyOrder(`gid://shopify/Order/${order.id}`);
    expect(state?.tags).toContain("shipwatch:exception");
    expect(JSON.parse(Object.values(state!.metafields)[0]!.value)).toMatchObject({ status: "delayed", moment: "delay_weather" });
    // Slack carries internal alerts only: none for customer moments
    expect(providers.requests("slack")).toHaveLength(0);
    // a cheap order gets no SMS (the merchant's segment)
    const before = providers.twilioMessages().length;
    await shipOrder({ order: { total_price: "20.00" } });
    expect(providers.twilioMessages()).toHaveLength(before);
    expect(smtp.messages.length).toBe(3);
  });

  it("GIVEN a provider answering 429 then 500 THEN the message waits as told, is retried, and is sent once", async () => {
    await start({ channels: ["sms"], policy: { sms: { minOrderValue: 0, express: true } } });
    providers.failNext("twilio", 1, { status: 429, retryAfter: 30 });
    providers.failNext("twilio", 1, { status: 500 });
    await shipOrder();
    let [row] = await outbox();
    // a rate limit is not a failed attempt: the message waits at least as long as Retry-After says
    expect(row).toMatchObject({ status: "pending", attempts: 0, statusReason: "Waiting for the provider's rate limit" });
    expect(row!.lastError).toMatch(/429/);
    expect(row!.sendAt - app.clock.now()).toBeGreaterThanOrEqual(30_000);
    await advance(25_000);
    expect(providers.twilioMessages()).toHaveLength(0);
    await advance(36_000);
    [row] = await outbox();
    expect(row).toMatchObject({ status: "pending", attempts: 1 });
    expect(row!.lastError).toMatch(/500/);
    await advance(5_000);
    [row] = await outbox();
    expect(row).toMatchObject({ status: "sent", attempts: 2 });
    expect(providers.twilioMessages()).toHaveLength(1);
  });

  it("GIVEN a permanent refusal THEN it is parked at once; a replay after the fix sends it, and a replay never re-sends", async () => {
    await start({ channels: ["sms"], policy: { sms: { minOrderValue: 0, express: true } } });
    // the sender number the merchant chose cannot send texts: theirs to fix (a recipient Twilio refuses is not
    // parked but suppressed, test/security/outbox-recipients.test.ts)
    providers.failNext("twilio", 1, { status: 400, body: JSON.stringify({ code: 21606, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination.", status: 400 }) });
    await shipOrder();
    let [row] = await outbox();
    expect(row).toMatchObject({ status: "failed", attempts: 1 });
    expect(row!.lastError).toMatch(/21606|not a valid message-capable/);
    expect(row!.lastError).not.toContain(TWILIO.authToken);
    await advance(3_600_000);
    expect(providers.twilioMessages()).toHaveLength(0);

    const n = app.container.services.notifications;
    expect(await n.replay(SHOP_B, [row!.id])).toBe(0); // another shop cannot touch it
    expect(await n.replay(SHOP_A, [row!.id])).toBe(1);
    await app.settle();
    [row] = await outbox();
    expect(row).toMatchObject({ status: "sent" });
    expect(providers.twilioMessages()).toHaveLength(1);
    expect(await n.replay(SHOP_A, null)).toBe(0);
    expect(await n.replay(SHOP_A, [row!.id])).toBe(0);
    await advance(60_000);
    expect(providers.twilioMessages()).toHaveLength(1);
  });

  it("GIVEN a provider down for good THEN the message is parked after the last attempt, and an outage past the threshold alerts the merchant once", async () => {
    await start({ channels: ["email", "slack"] });
    smtp.failNext(100, 451, "4.3.0 Try again later");
    await shipOrder();
    for (let i = 0; i < 6; i++) await advance(3_600_000);
    smtp.reset();
    const [row] = await outbox();
    expect(row).toMatchObject({ status: "failed", attempts: 4 });
    expect(row!.statusReason).toMatch(/after 4 attempts/);
    const alerts = await app.container.services.notifications.alerts(SHOP_A);
    expect(alerts.map((a) => a.channel)).toEqual(["email"]);
    const slack = providers.requests("slack");
    expect(slack).toHaveLength(1);
    expect(JSON.parse(slack[0]!.body).text).toMatch(/Email/);
    // the other shop sees no alert
    expect(await app.container.services.notifications.alerts(SHOP_B)).toEqual([]);
  });

  it("GIVEN a rule asking for a message, an alert and a tag THEN each is carried out once", async () => {
    await start({ channels: ["email", "slack", "shopify"] });
    const rule = await app.container.repositories.rules.create(
      SHOP_A,
      {
        name: "VIP delayed",
        conditions: [{ kind: "status_in", statuses: ["delayed", "exception"] }],
        actions: [
          { kind: "message_customer", template: "rule_message" },
          { kind: "alert_internal", channel: "#vip" },
          { kind: "tag_order", tag: "vip-delay" },
        ],
      },
      app.clock.now(),
    );
    app.container.services.profile.forget(SHOP_A);
    const { order, event } = await shipOrder();
    await event("exception", "Held at facility", "2026-11-18T12:00:00-05:00", { status: "delayed" });
    await event("exception", "Still held at facility", "2026-11-18T13:00:00-05:00", { status: "delayed" });
    const rows = (await outbox()).filter((r) => r.ruleId === rule.id);
    expect(rows.map((r) => [r.moment.split(":")[0], r.channel, r.status]).sort()).toEqual([
      ["alert", "slack", "sent"],
      ["rule", "email", "sent"],
      ["tag", "shopify", "sent"],
    ]);
    expect(providers.shopifyOrder(`gid://shopify/Order/${order.id}`)?.tags).toContain("vip-delay");
    expect(JSON.parse(providers.requests("slack")[0]!.body).text).toMatch(/VIP delayed|#vip|held/i);
  });

  it("GIVEN a case that holds messages THEN customer messages wait until it is resolved, then go if still current", async () => {
    await start();
    await app.container.repositories.rules.create(
      SHOP_A,
      { name: "Address review", conditions: [{ kind: "reason_in", reasons: ["address_issue"] }], actions: [{ kind: "open_case", type: "address_issue", owner: "support", priority: "high", slaHours: 4 }, { kind: "hold_messages" }] },
      app.clock.now(),
    );
    app.container.services.profile.forget(SHOP_A);
    const { event } = await shipOrder();
    await event("failure", "Address incomplete, unable to deliver", "2026-11-18T12:00:00-05:00");
    const held = (await outbox()).find((r) => r.moment === "delay_address")!;
    expect(held).toMatchObject({ status: "held" });
    expect(held.statusReason).toMatch(/Held while a person reviews case/);
    await advance(31 * 60_000);
    expect((await outbox()).find((r) => r.moment === "delay_address")!.status).toBe("held");
    const caseRow = await app.db.selectFrom("ExceptionCase").selectAll().where("shop", "=", SHOP_A).where("holdMessages", "=", 1).executeTakeFirstOrThrow();
    await app.container.services.desk.resolve(SHOP_A, caseRow.id, "contacted_customer", "agent@alpha-goods.test");
    await advance(31 * 60_000);
    const after = (await outbox()).find((r) => r.moment === "delay_address")!;
    expect(after.status).toBe("sent");
    expect(smtp.messages.map((m) => m.subject).join("\n")).toMatch(/address/i);
  });
});

describe("notifications: tenancy, secrets, privacy", () => {
  it("GIVEN a connected channel THEN its secret is encrypted at rest and never shown back", async () => {
    await start({ channels: ["sms", "webhook"] });
    const rows = await app.db.selectFrom("ChannelConnection").selectAll().where("shop", "=", SHOP_A).execute();
    const all = JSON.stringify(rows);
    expect(all).not.toContain(TWILIO.authToken);
    expect(all).not.toContain(HOOK_SECRET);
    expect(rows.every((r) => r.secret?.startsWith("v1:"))).toBe(true);
    const overview = await app.container.services.notifications.overview(SHOP_A);
    expect(JSON.stringify(overview)).not.toContain(TWILIO.authToken);
    expect(overview.channels.find((c) => c.channel === "sms")).toMatchObject({ enabled: true, hasSecret: true, ready: true });
    // the other shop has nothing connected
    expect((await app.container.services.notifications.overview(SHOP_B)).channels.every((c) => !c.enabled)).toBe(true);
  });

  it("GIVEN a credential that no longer decrypts (the key changed) THEN its messages are parked with the reason, and the merchant can enter it again", async () => {
    await start({ channels: ["sms"], policy: { sms: { minOrderValue: 0, express: true } } });
    await app.db.updateTable("ChannelConnection").set({ secret: "v1:AAAA:BBBB:CCCC" }).where("shop", "=", SHOP_A).where("channel", "=", "sms").execute();
    app.container.services.notifications.forgetShop(SHOP_A);
    await shipOrder();
    for (let i = 0; i < 4; i++) await advance(3_600_000);
    const [row] = await outbox();
    expect(row).toMatchObject({ status: "failed", attempts: 4 });
    expect(row!.lastError).toMatch(/Could not send/);
    expect(providers.twilioMessages()).toHaveLength(0);
    const n = app.container.services.notifications;
    expect(await n.saveChannel(SHOP_A, "sms", { enabled: true, settings: { accountSid: TWILIO.accountSid, from: "+15005550006" }, secret: { authToken: TWILIO.authToken } })).toEqual({ ok: true });
    expect(await n.replay(SHOP_A, [row!.id])).toBe(1);
    await app.settle();
    expect(providers.twilioMessages()).toHaveLength(1);
  });

  it("GIVEN production THEN an endpoint must be https: the app does not call plain-http addresses on its own network", async () => {
    app = await startTestApp({ env: { NODE_ENV: "production", SHIPWATCH_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64") } });
    const n = app.container.services.notifications;
    const hook = await n.saveChannel(SHOP_A, "webhook", { enabled: true, settings: { url: "http://127.0.0.1:6379/" }, secret: { signingSecret: HOOK_SECRET } });
    expect(hook).toEqual({ ok: false, fieldErrors: { "settings.url": "must be https://" } });
    const slack = await n.saveChannel(SHOP_A, "slack", { enabled: true, settings: {}, secret: { webhookUrl: "http://127.0.0.1:8080/hook" } });
    expect(slack).toEqual({ ok: false, fieldErrors: { "secret.webhookUrl": "must be https://" } });
    expect(await app.db.selectFrom("ChannelConnection").selectAll().execute()).toEqual([]);
  });

  it("GIVEN bad channel settings THEN a clear error per field and nothing changes", async () => {
    await start({ channels: [] });
    const n = app.container.services.notifications;
    const r = await n.saveChannel(SHOP_A, "sms", { enabled: true, settings: { accountSid: "nope", from: "555" }, secret: {} });
    expect(r.ok).toBe(false);
    expect(Object.keys(r.ok ? {} : r.fieldErrors).sort()).toEqual(["secret.authToken", "settings.accountSid", "settings.from"]);
    expect(await app.db.selectFrom("ChannelConnection").selectAll().execute()).toEqual([]);
    const p = await n.savePolicy(SHOP_A, { quietHours: { enabled: true, start: "9pm", end: "08:00" } });
    expect(p.ok).toBe(false);
  });

  it("GIVEN the app is uninstalled THEN a waiting message is dropped and nothing new is planned", async () => {
    await start({ policy: { combineWindowMinutes: 10 } });
    await shipOrder();
    expect((await outbox()).map((r) => r.status)).toEqual(["pending"]);
    await app.sendWebhook("app/uninstalled", { id: 1, domain: SHOP_A });
    await app.settle();
    // its job went with the uninstall; the sweep finds the stranded message (due for longer than a lease) and drops it
    await advance(16 * 60_000);
    expect((await outbox()).map((r) => [r.status, r.statusReason])).toEqual([["suppressed", "The app was uninstalled from the shop"]]);
    await shipOrder();
    await advance(11 * 60_000);
    expect(await outbox()).toHaveLength(1);
    expect(smtp.messages).toHaveLength(0);
  });

  it("GIVEN two shops THEN each sees only its own outbox; customers/redact scrubs the recipient and the message", async () => {
    await start();
    await app.container.services.notifications.saveChannel(SHOP_B, "email", { enabled: true, settings: {}, secret: {} });
    const a = await shipOrder();
    await shipOrder({ shop: SHOP_B, order: { email: "bob@bravo.test", customer: { id: 9, email: "bob@bravo.test", first_name: "Bob" } } });
    const n = app.container.services.notifications;
    const listA = await n.outbox(SHOP_A, {}, { limit: 50, offset: 0 });
    const listB = await n.outbox(SHOP_B, {}, { limit: 50, offset: 0 });
    expect(listA.rows.map((r) => r.recipient)).toEqual(["m••••••@example.com"]);
    expect(listB.rows.map((r) => r.recipient)).toEqual(["b••@bravo.test"]);
    expect(await n.message(SHOP_B, listA.rows[0]!.id)).toBeNull();

    await app.sendWebhook("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: { id: 7_100_000_001, email: "maya.chen@example.com" }, orders_to_redact: [a.order.id] });
    await app.settle();
    const [row] = await outbox();
    expect(row!.recipient).toBeNull();
    expect(row!.preview).toBe("[redacted]");
    expect((await outbox(SHOP_B))[0]!.recipient).toBe("bob@bravo.test");
  });
});
