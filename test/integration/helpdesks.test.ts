import { createHmac } from "node:crypto";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { signShipwatchTicket } from "~/.server/helpdesks/signatures";
import { startFakeHelpdesks, type FakeHelpdesks } from "../../scripts/local-services/fake-helpdesks";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Helpdesk tickets in and notes back, over real HTTP on a real SQLite file: the app's inbound webhook endpoint,
 * signatures computed as the helpdesks compute them, and the Gorgias/Zendesk REST stand-in receiving the tags and
 * notes (GORGIAS_API_BASE / ZENDESK_API_BASE point the real clients at it).
 */
const ZENDESK = { subdomain: "alpha", email: "bot@alpha-goods.test", apiToken: "zd_tok_alpha_0123456789" };
const GORGIAS = { account: "alpha", email: "bot@alpha-goods.test", apiKey: "gk_alpha_0123456789abcdef" };
const ZENDESK_SIGNING_SECRET = "dGhpcyBpcyBab3VyIHplbmRlc2sgc2lnbmluZyBzZWNyZXQ=";
const CUSTOMER = "maya.chen@example.com";

let fake: FakeHelpdesks;
let smtp: SmtpCapture;
let app: TestApp;

async function start(clockAt = "2026-11-18T15:00:00Z") {
  app = await startTestApp({
    clock: fixedClock(clockAt),
    env: { ZENDESK_API_BASE: fake.url, GORGIAS_API_BASE: fake.url, NOTIFY_TIMEOUT_MS: "1500", SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>" },
    notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
  });
}

beforeAll(async () => {
  fake = await startFakeHelpdesks({ zendesk: { email: ZENDESK.email, apiToken: ZENDESK.apiToken }, gorgias: { email: GORGIAS.email, apiKey: GORGIAS.apiKey } });
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await fake?.close();
  await smtp?.close();
});

const helpdesks = () => app.container.services.helpdesks;
const ticketRows = (shop?: string) => {
  const q = app.db.selectFrom("Ticket").select(["shop", "source", "ticketId", "wismo", "orderName", "customerEmail"]).orderBy("id");
  return (shop ? q.where("shop", "=", shop) : q).execute();
};

async function connectZendesk(shop = SHOP_A, secret = ZENDESK_SIGNING_SECRET, options: Record<string, string> = { tagWismo: "on", tags: "shipwatch-wismo, where-is-my-order", noteReply: "on", noteInsteadOfEmail: "on" }) {
  const saved = await helpdesks().save(shop, "zendesk", { ...ZENDESK, webhookSecret: secret, ...options });
  if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
  return saved.view.webhookUrl!.replace("https://shipwatch.test", app.url);
}

/** the Zendesk trigger's body (ZENDESK_TICKET_BODY) as Zendesk renders it */
function zendeskBody(ticketId: string, over: Record<string, unknown> = {}) {
  return JSON.stringify({ id: ticketId, source: "zendesk", customerEmail: CUSTOMER, subject: "Where is my order?", body: "Hi, I ordered last week and nothing has arrived yet. Where is my package?", createdAt: "2026-11-18T14:30:00Z", ...over });
}

/** signed as Zendesk signs a webhook: base64 HMAC-SHA256 of timestamp + body with the webhook's signing secret */
function postZendesk(url: string, body: string, opts: { secret?: string; timestamp?: string; headers?: Record<string, string> } = {}) {
  const timestamp = opts.timestamp ?? new Date(app.clock.now()).toISOString();
  const signature = createHmac("sha256", opts.secret ?? ZENDESK_SIGNING_SECRET).update(timestamp + body).digest("base64");
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", "x-zendesk-webhook-signature": signature, "x-zendesk-webhook-signature-timestamp": timestamp, ...opts.headers },
    body,
  });
}

async function shipOrder(shop = SHOP_A, name = `#${Math.floor(Math.random() * 90000) + 10000}`) {
  const order = orderPayload({ id: newId(), name, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00" });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00" });
  expect((await app.sendWebhook("orders/create", order, { shop })).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f, { shop })).status).toBe(200);
  await app.settle();
  const event = async (status: string, message: string, at: string) => {
    expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status, message, happened_at: at }), { shop })).status).toBe(200);
    await app.settle();
  };
  return { order, event };
}

/** the clock moves on; the jobs that came due run (retries included) */
async function advance(ms: number) {
  app.clock.advance(ms);
  for (let i = 0; i < 3; i++) {
    app.container.queue.wake?.();
    await app.settle();
  }
}

describe("helpdesk webhooks: Zendesk", () => {
  beforeEach(async () => {
    fake.reset();
    smtp.reset();
    await start();
  });
  afterEach(async () => {
    await app?.close();
  });

  it("GIVEN a signed Zendesk ticket webhook THEN it is recorded once (twice counts once), tagged and noted once in Zendesk", async () => {
    const { order } = await shipOrder(SHOP_A, "#4101");
    const url = await connectZendesk();
    const ticketId = fake.addTicket("zendesk", { customerEmail: CUSTOMER, tags: ["vip"] });
    const body = zendeskBody(ticketId, { body: `Hello, where is my order ${order.name}? It has not arrived.` });

    const first = await postZendesk(url, body);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ ok: true, recorded: true, wismo: true });
    const again = await postZendesk(url, body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, recorded: false, wismo: true });
    await app.settle();

    expect(await ticketRows()).toEqual([{ shop: SHOP_A, source: "zendesk", ticketId, wismo: 1, orderName: "#4101", customerEmail: CUSTOMER }]);
    const zd = fake.ticket("zendesk", ticketId)!;
    expect(zd.tags).toEqual(["vip", "shipwatch-wismo", "where-is-my-order"]);
    expect(zd.messages).toHaveLength(1);
    expect(zd.messages[0]).toMatchObject({ public: false, author: ZENDESK.email });
    expect(zd.messages[0]!.body).toContain("Shipwatch matched this ticket to order #4101");
    expect(zd.messages[0]!.body).toContain("Suggested reply");
    // the second webhook's job found both writes done: one tags call and one note call in all
    expect(fake.requests("zendesk").filter((r) => r.method === "PUT").map((r) => r.path).sort()).toEqual([`/api/v2/tickets/${ticketId}`, `/api/v2/tickets/${ticketId}/tags`]);
  });

  it("GIVEN a ticket that is not about an order THEN it is recorded and Zendesk is left alone", async () => {
    const url = await connectZendesk();
    const ticketId = fake.addTicket("zendesk");
    const res = await postZendesk(url, zendeskBody(ticketId, { subject: "Gift card balance", body: "How do I check the balance on my gift card?" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ wismo: false, recorded: true });
    await app.settle();
    expect(fake.requests("zendesk").filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("GIVEN a forged, unsigned, stale or replayed-with-other-body webhook THEN 401 and nothing stored", async () => {
    const url = await connectZendesk();
    const body = zendeskBody("777");
    expect((await postZendesk(url, body, { secret: "not-the-secret" })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body })).status).toBe(401);
    const stale = new Date(app.clock.now() - 10 * 60_000).toISOString();
    expect((await postZendesk(url, body, { timestamp: stale })).status).toBe(401);
    // a correct signature of another body
    const timestamp = new Date(app.clock.now()).toISOString();
    const signature = createHmac("sha256", ZENDESK_SIGNING_SECRET).update(timestamp + body).digest("base64");
    const tampered = await fetch(url, { method: "POST", headers: { "x-zendesk-webhook-signature": signature, "x-zendesk-webhook-signature-timestamp": timestamp }, body: body.replace("Where is", "Wher is") });
    expect(tampered.status).toBe(401);
    // an unknown connection id, and the right id under another helpdesk's path
    expect((await postZendesk(url.replace(/[0-9a-f]{24}$/, "0".repeat(24)), body)).status).toBe(401);
    expect((await postZendesk(url.replace("/zendesk/", "/gorgias/"), body)).status).toBe(401);
    expect((await fetch(url, { method: "GET" })).status).toBe(405);
    expect(await ticketRows()).toEqual([]);
    expect(await app.db.selectFrom("Job").select("id").where("name", "=", "helpdesk-writeback").execute()).toEqual([]);
  });

  it("GIVEN one shop's connection THEN another shop's secret cannot use it, and a ticket there never reaches the other shop's orders", async () => {
    await shipOrder(SHOP_A, "#4201");
    const urlA = await connectZendesk(SHOP_A, ZENDESK_SIGNING_SECRET);
    const urlB = await connectZendesk(SHOP_B, "c2hvcCBiIGhhcyBpdHMgb3duIHNlY3JldA==");
    expect(urlA).not.toBe(urlB);
    const body = zendeskBody("9001", { body: "Where is my order #4201?" });
    // shop B's secret on shop A's URL
    expect((await postZendesk(urlA, body, { secret: "c2hvcCBiIGhhcyBpdHMgb3duIHNlY3JldA==" })).status).toBe(401);
    // on its own URL, shop B's ticket names shop A's order: recorded for shop B, matched to nothing
    expect((await postZendesk(urlB, body, { secret: "c2hvcCBiIGhhcyBpdHMgb3duIHNlY3JldA==" })).status).toBe(200);
    expect(await ticketRows()).toEqual([{ shop: SHOP_B, source: "zendesk", ticketId: "9001", wismo: 1, orderName: null, customerEmail: CUSTOMER }]);
  });

  it("GIVEN a malformed ticket THEN 400 naming the fields, nothing stored", async () => {
    const url = await connectZendesk();
    const res = await postZendesk(url, zendeskBody("12", { customerEmail: "not an email", createdAt: "yesterday" }));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "bad_request", fields: ["customerEmail", "createdAt"] });
    const notJson = await postZendesk(url, "{ not json");
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ fields: ["body"] });
    expect(await ticketRows()).toEqual([]);
  });

  it("GIVEN Zendesk's test send (placeholders unrendered) THEN 200 and nothing recorded", async () => {
    const url = await connectZendesk();
    const res = await postZendesk(url, zendeskBody("{{ticket.id}}", { customerEmail: "{{ticket.requester.email}}" }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, recorded: false });
    expect(await ticketRows()).toEqual([]);
  });

  it("GIVEN Zendesk answers 503 twice THEN the tags and note are retried until they land, once", async () => {
    const url = await connectZendesk();
    const ticketId = fake.addTicket("zendesk", { customerEmail: CUSTOMER });
    fake.failNext("zendesk", 2, { status: 503 });
    expect((await postZendesk(url, zendeskBody(ticketId))).status).toBe(200);
    await app.settle();
    expect(fake.ticket("zendesk", ticketId)!.tags).toEqual([]);
    for (let i = 0; i < 4; i++) await advance(60_000);
    const zd = fake.ticket("zendesk", ticketId)!;
    expect(zd.tags).toEqual(["shipwatch-wismo", "where-is-my-order"]);
    expect(zd.messages).toHaveLength(1);
    expect((await app.container.queue.listParked({ shop: SHOP_A })).length).toBe(0);
  });

  it("GIVEN Zendesk refuses (403) THEN the job is parked for replay, and a replay writes it once", async () => {
    const url = await connectZendesk();
    const ticketId = fake.addTicket("zendesk", { customerEmail: CUSTOMER });
    fake.failNext("zendesk", 1, { status: 403 });
    expect((await postZendesk(url, zendeskBody(ticketId))).status).toBe(200);
    await app.settle();
    const parked = await app.container.queue.listParked({ shop: SHOP_A });
    expect(parked.map((p) => p.name)).toEqual(["helpdesk-writeback"]);
    expect(parked[0]!.lastError).toMatch(/Zendesk 403/);
    expect(await app.container.queue.replay({ shop: SHOP_A })).toBe(1);
    await advance(0);
    const zd = fake.ticket("zendesk", ticketId)!;
    expect(zd.tags).toEqual(["shipwatch-wismo", "where-is-my-order"]);
    expect(zd.messages).toHaveLength(1);
  });
});

describe("helpdesk connections and Gorgias", () => {
  beforeEach(async () => {
    fake.reset();
    await start();
  });
  afterEach(async () => {
    await app?.close();
  });

  it("GIVEN wrong Zendesk credentials THEN the field says what Zendesk said and nothing is saved", async () => {
    const saved = await helpdesks().save(SHOP_A, "zendesk", { ...ZENDESK, apiToken: "wrong-token", webhookSecret: ZENDESK_SIGNING_SECRET });
    expect(saved).toMatchObject({ ok: false, errors: { apiToken: expect.stringMatching(/Zendesk refused these credentials: Zendesk 401/) } });
    expect(JSON.stringify(saved)).not.toContain("wrong-token");
    expect((await helpdesks().list(SHOP_A)).find((v) => v.provider === "zendesk")!.connected).toBe(false);
    const bad = await helpdesks().save(SHOP_A, "zendesk", { subdomain: "evil.example.com", email: "nope", apiToken: "" });
    expect(bad).toMatchObject({ ok: false, errors: { subdomain: expect.any(String), email: expect.any(String), apiToken: expect.any(String) } });
    expect(fake.requests("zendesk").length).toBe(1);
  });

  it("GIVEN a connection THEN its secrets are sealed at rest and never shown back", async () => {
    await connectZendesk();
    const [row] = await app.db.selectFrom("HelpdeskConnection").selectAll().execute();
    expect(row!.credentials).toMatch(/^v1:/);
    expect(row!.webhookSecret).toMatch(/^v1:/);
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(ZENDESK.apiToken);
    expect(stored).not.toContain(ZENDESK_SIGNING_SECRET);
    const views = JSON.stringify(await helpdesks().list(SHOP_A));
    expect(views).not.toContain(ZENDESK.apiToken);
    expect(views).not.toContain(ZENDESK_SIGNING_SECRET);
  });

  it("GIVEN Gorgias connected THEN its HTTP integration's fixed token header, or a relay's HMAC, brings tickets in; tags and note land in Gorgias", async () => {
    await shipOrder(SHOP_A, "#4301");
    const saved = await helpdesks().save(SHOP_A, "gorgias", { ...GORGIAS, tagWismo: "on", tags: "shipwatch-wismo", noteReply: "on" });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    expect(saved.issuedSecret).toMatch(/^swhd_/);
    const url = saved.view.webhookUrl!.replace("https://shipwatch.test", app.url);
    const ticketId = fake.addTicket("gorgias", { customerEmail: CUSTOMER });
    // the form of GORGIAS_TICKET_FORM as Gorgias renders it: created_datetime without a zone
    const body = JSON.stringify({ id: ticketId, source: "gorgias", customerEmail: CUSTOMER, subject: "Order #4301", body: "Where is my parcel? Still not here.", createdAt: "2026-11-18T14:30:00.123456" });
    expect((await fetch(url, { method: "POST", headers: { "x-shipwatch-token": "swhd_wrong" }, body })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { "x-shipwatch-token": saved.issuedSecret! }, body })).status).toBe(200);
    const relayed = JSON.stringify({ ...JSON.parse(body), id: fake.addTicket("gorgias", { customerEmail: CUSTOMER }) });
    expect((await fetch(url, { method: "POST", headers: { "x-shipwatch-signature": signShipwatchTicket(relayed, saved.issuedSecret!) }, body: relayed })).status).toBe(200);
    await app.settle();
    const g = fake.ticket("gorgias", ticketId)!;
    expect(g.tags).toEqual(["shipwatch-wismo"]);
    expect(g.messages).toHaveLength(1);
    expect(g.messages[0]).toMatchObject({ channel: "internal-note", public: false });
    expect(g.messages[0]!.body).toContain("order #4301");

    // a regenerated secret: the old one stops working at once
    const regenerated = await helpdesks().regenerateSecret(SHOP_A, "gorgias");
    if (!regenerated.ok) throw new Error(regenerated.error);
    const third = JSON.stringify({ ...JSON.parse(body), id: "31337" });
    expect((await fetch(url, { method: "POST", headers: { "x-shipwatch-token": saved.issuedSecret! }, body: third })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { "x-shipwatch-token": regenerated.secret }, body: third })).status).toBe(200);
  });

  it("GIVEN an Intercom ping THEN 200 and nothing recorded; its signed conversation is recorded", async () => {
    const secret = "intercom-client-secret-0123";
    const saved = await helpdesks().save(SHOP_A, "intercom", { webhookSecret: secret });
    if (!saved.ok) throw new Error(JSON.stringify(saved.errors));
    const url = saved.view.webhookUrl!.replace("https://shipwatch.test", app.url);
    const sign = (b: string) => `sha1=${createHmac("sha1", secret).update(b).digest("hex")}`;
    const ping = JSON.stringify({ type: "notification_event", topic: "ping", data: { item: { type: "ping", message: "something" } } });
    expect((await fetch(url, { method: "POST", headers: { "x-hub-signature": sign(ping) }, body: ping })).status).toBe(200);
    expect(await ticketRows()).toEqual([]);
    const created = JSON.stringify({
      type: "notification_event",
      topic: "conversation.user.created",
      data: { item: { id: "215467", created_at: 1_763_476_200, source: { subject: "", body: "<p>Where is my order? It has not arrived.</p>", author: { email: CUSTOMER } } } },
    });
    expect((await fetch(url, { method: "POST", headers: { "x-hub-signature": "sha1=" + "0".repeat(40) }, body: created })).status).toBe(401);
    expect((await fetch(url, { method: "POST", headers: { "x-hub-signature": sign(created) }, body: created })).status).toBe(200);
    expect(await ticketRows()).toEqual([{ shop: SHOP_A, source: "intercom", ticketId: "215467", wismo: 1, orderName: null, customerEmail: CUSTOMER }]);
  });
});

describe("note instead of email", () => {
  beforeEach(async () => {
    fake.reset();
    smtp.reset();
    await start();
    const n = app.container.services.notifications;
    expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0 })).ok).toBe(true);
    expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  });
  afterEach(async () => {
    await app?.close();
  });

  it("GIVEN the customer's open WISMO ticket in Zendesk THEN the next update goes on it as a note, no email, once", async () => {
    const url = await connectZendesk();
    const { order, event } = await shipOrder(SHOP_A, "#4401");
    await event("in_transit", "Departed from facility", "2026-11-18T10:00:00-05:00");
    const emailsBefore = smtp.messages.length;
    expect(emailsBefore).toBeGreaterThan(0);

    const ticketId = fake.addTicket("zendesk", { customerEmail: CUSTOMER });
    expect((await postZendesk(url, zendeskBody(ticketId, { body: `Where is my order ${order.name}?` }))).status).toBe(200);
    await app.settle();
    expect(fake.ticket("zendesk", ticketId)!.messages).toHaveLength(1); // Shipwatch's answer

    await event("out_for_delivery", "Out for delivery", "2026-11-18T11:00:00-05:00");
    await advance(0);
    expect(smtp.messages.length).toBe(emailsBefore);
    const rows = await app.db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).where("moment", "=", "out_for_delivery").execute();
    expect(rows.map((r) => [r.channel, r.status, r.statusReason])).toEqual([["email", "suppressed", `Added as a note to Zendesk ticket ${ticketId} instead of an email`]]);
    const notes = fake.ticket("zendesk", ticketId)!.messages;
    expect(notes).toHaveLength(2);
    expect(notes[1]).toMatchObject({ public: false });
    expect(notes[1]!.body).toContain(`about order ${order.name}`);
    expect(notes[1]!.body.toLowerCase()).toContain("out for delivery");
    expect(rows[0]!.preview).toBeTruthy();

    // the send job again (a retry, a replayed job): nothing more anywhere
    expect(await app.container.services.notifications.send(SHOP_A, rows[0]!.id)).toBe("skipped");
    expect(fake.ticket("zendesk", ticketId)!.messages).toHaveLength(2);
    expect(smtp.messages.length).toBe(emailsBefore);
  });

  it("GIVEN the option off, or Zendesk failing THEN the email goes as usual", async () => {
    const url = await connectZendesk(SHOP_A, ZENDESK_SIGNING_SECRET, { tagWismo: "on", tags: "shipwatch-wismo", noteReply: "on" });
    const { order, event } = await shipOrder(SHOP_A, "#4501");
    const ticketId = fake.addTicket("zendesk", { customerEmail: CUSTOMER });
    expect((await postZendesk(url, zendeskBody(ticketId, { body: `Where is my order ${order.name}?` }))).status).toBe(200);
    await app.settle();
    const before = smtp.messages.length;
    await event("out_for_delivery", "Out for delivery", "2026-11-18T11:00:00-05:00");
    await advance(0);
    expect(smtp.messages.length).toBe(before + 1);

    // on again, and Zendesk down: the customer still hears
    await connectZendesk();
    fake.failNext("zendesk", 1, { status: 503 });
    await event("delivered", "Delivered, front door", "2026-11-18T13:00:00-05:00");
    await advance(0);
    expect(smtp.messages.length).toBe(before + 2);
    const delivered = await app.db.selectFrom("Notification").select(["status"]).where("shop", "=", SHOP_A).where("moment", "=", "delivered").execute();
    expect(delivered).toEqual([{ status: "sent" }]);
  });
});
