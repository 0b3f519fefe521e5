import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B } from "../support/test-app";
import { advance, decodedEmail, expectNoPersonalData, startMessageRig, tokenOf, urlsIn, type MessageRig } from "./message-support";

/**
 * "Your order is taking a little longer to ship" (issue 12, item 4): the fulfillment_delayed moment, off unless the
 * shop switches it on, sent once per order when its fulfillment_delayed case opens, dropped when the order ships
 * or is cancelled first. Signed order webhooks and the sweep on a real SQLite database; email to a local SMTP
 * server; the link opened as Shopify's app proxy forwards it.
 */
// Monday 16 November 2026, 09:00 New York: orders placed now are due to ship by the end of Wednesday
const MONDAY = "2026-11-16T09:00:00-05:00";
const THURSDAY = "2026-11-19T10:00:00-05:00";

let rig: MessageRig;
beforeAll(async () => {
  rig = await startMessageRig({ clock: MONDAY, channels: ["email", "sms"] });
});
afterAll(async () => {
  await rig?.close();
});

const line = () => ({ id: newId(), title: "Trail Runner 2", name: "Trail Runner 2 - 42", quantity: 1, price: "170.00", fulfillable_quantity: 1, fulfillment_status: null, requires_shipping: true, gift_card: false });
function anOrder(name: string, over: Record<string, unknown> = {}) {
  return orderPayload({ id: newId(), name, created_at: MONDAY, updated_at: MONDAY, fulfillment_status: null, closed_at: null, line_items: [line()], ...over });
}

async function send(topic: string, payload: unknown, shop = SHOP_A) {
  const res = await rig.app.sendWebhook(topic, payload, { shop });
  expect(res.status).toBe(200);
  await rig.app.settle();
}
const sweep = () => rig.app.container.services.sweep.run(500);
const messagesOf = (orderId: number, shop = SHOP_A) =>
  rig.app.db.selectFrom("Notification").selectAll().where("shop", "=", shop).where("orderId", "=", String(orderId)).orderBy("id").execute();
const emailsTo = (name: string) => rig.smtp.messages.filter((m) => m.subject.includes(name));
const setMoment = async (on: boolean, shop = SHOP_A) => {
  const saved = await rig.app.container.services.notifications.savePolicy(shop, { quietHours: { enabled: false }, combineWindowMinutes: 0, sms: { minOrderValue: 0, express: true }, moments: { fulfillment_delayed: on } });
  expect(saved.ok).toBe(true);
};

/** an order placed Monday, still unshipped on Thursday: the sweep opens its case */
async function lateOrder(name: string, over: Record<string, unknown> = {}) {
  rig.app.clock.set(MONDAY);
  const order = anOrder(name, over);
  await send("orders/create", order);
  rig.app.clock.set(THURSDAY);
  await sweep();
  await advance(rig.app, 1_000);
  return order;
}

describe("the fulfillment_delayed message", () => {
  it("GIVEN the moment off (the default) THEN the case opens and no message is planned", async () => {
    const order = await lateOrder("#5101");
    const cases = await rig.app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("orderId", "=", String(order.id)).execute();
    expect(cases).toEqual([{ type: "fulfillment_delayed", status: "open" }]);
    expect(await messagesOf(order.id)).toEqual([]);
    expect(emailsTo("#5101")).toEqual([]);
  });

  it("GIVEN the moment on THEN one email and one SMS when the case opens, about the order, never twice (sweep again, webhook again)", async () => {
    await setMoment(true);
    const order = await lateOrder("#5102");
    const rows = await messagesOf(order.id);
    expect(rows.map((r) => [r.moment, r.channel, r.status, r.shipmentId, r.sendKey])).toEqual([
      ["fulfillment_delayed", "email", "sent", 0, `order:${order.id}|fulfillment_delayed|email`],
      ["fulfillment_delayed", "sms", "sent", 0, `order:${order.id}|fulfillment_delayed|sms`],
    ]);
    const [email] = emailsTo("#5102");
    expect(email!.subject).toBe("Your order #5102 is taking a little longer to ship");
    expect(email!.to).toEqual(["maya.chen@example.com"]);
    const body = decodedEmail(email!);
    expect(body).toContain("Your order #5102 is taking a little longer to ship than we planned");
    // nothing shipped: no carrier, no tracking number, no sample parcel, no date promised
    expect(body).not.toMatch(/UPS|1Z999|Tracking number|Expected delivery/);
    const sms = rig.providers.twilioMessages().filter((m) => m.body.includes("#5102"));
    expect(sms).toHaveLength(1);
    expect(sms[0]!.body).toMatch(/taking a little longer to ship than we planned/);

    // the sweep again, the order's webhook again (a newer snapshot, still unshipped), the clock on: nothing more
    await sweep();
    await send("orders/updated", { ...order, updated_at: "2026-11-19T11:00:00-05:00", note: "customer called" });
    await advance(rig.app, 3_600_000);
    await sweep();
    await advance(rig.app, 1_000);
    expect(await messagesOf(order.id)).toHaveLength(2);
    expect(emailsTo("#5102")).toHaveLength(1);

    // the Outbox lists it as the order's, with no tracking number
    const outbox = await rig.app.container.services.notifications.outbox(SHOP_A, { q: "#5102" }, { limit: 10, offset: 0 });
    expect(outbox.rows.map((r) => [r.orderName, r.moment, r.shipmentId, r.recipient])).toEqual([
      ["#5102", "fulfillment_delayed", 0, "+1••••••••23"],
      ["#5102", "fulfillment_delayed", 0, "m••••••@example.com"],
    ]);
  });

  it("GIVEN the link in the email THEN it opens the tracking page saying the order has not shipped yet, and the lookup answers an empty list", async () => {
    const [email] = emailsTo("#5102");
    const body = decodedEmail(email!);
    const urls = urlsIn(body).filter((u) => u.includes("/apps/track"));
    expect(urls.length).toBeGreaterThan(0);
    expectNoPersonalData(urls, ["maya.chen@example.com", "%235102"]);
    const token = tokenOf(urls[0]!, SHOP_A);

    const lookup = await fetch(rig.app.proxyUrl({ t: token }));
    expect(lookup.status).toBe(200);
    expect(await lookup.json()).toEqual({ order: { name: "#5102" }, shipments: [] });

    const page = await fetch(rig.app.proxyUrl({ t: token }).replace("/proxy/lookup?", "/proxy?"));
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^application\/liquid/);
    const html = await page.text();
    expect(html).toContain("#5102");
    expect(html).toMatch(/Your order hasn(&#39;|&#x27;|')t shipped yet/);
    expect(html).not.toMatch(/not_found|On its way|couldn.t find/i);

    // the same token is nothing on another shop's page
    const foreign = await fetch(rig.app.proxyUrl({ t: token }, { shop: SHOP_B }));
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toEqual({ error: "not_found" });
  });

  it("GIVEN quiet hours THEN it waits for them to end, and an order that ships meanwhile drops it", async () => {
    const n = rig.app.container.services.notifications;
    // Thursday 10:00 in Ottawa is inside 08:00–12:00 quiet hours (a daytime window, to keep the test short)
    expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: true, start: "08:00", end: "12:00" }, combineWindowMinutes: 0, sms: { minOrderValue: 0, express: true }, moments: { fulfillment_delayed: true } })).ok).toBe(true);
    const order = await lateOrder("#5103");
    const waiting = await messagesOf(order.id);
    expect(waiting.map((r) => r.status)).toEqual(["pending", "pending"]);
    expect(waiting[0]!.sendAt).toBe(Date.parse("2026-11-19T12:00:00-05:00"));

    // it ships at 11:00, before the message may go
    rig.app.clock.set("2026-11-19T11:00:00-05:00");
    const shipped = { ...order, updated_at: "2026-11-19T11:00:00-05:00", fulfillment_status: "fulfilled", line_items: order.line_items.map((l) => ({ ...(l as object), fulfillable_quantity: 0, fulfillment_status: "fulfilled" })) };
    await send("orders/updated", shipped);
    await advance(rig.app, 2 * 3_600_000);
    const after = await messagesOf(order.id);
    expect(after.map((r) => [r.status, r.statusReason])).toEqual([
      ["suppressed", "Superseded: the order shipped before this could go"],
      ["suppressed", "Superseded: the order shipped before this could go"],
    ]);
    expect(emailsTo("#5103")).toEqual([]);
    await setMoment(true);
  });

  it("GIVEN an order cancelled before its handling time passed THEN no case and no message; one cancelled while its message waits is dropped", async () => {
    await setMoment(true);
    rig.app.clock.set(MONDAY);
    const order = anOrder("#5104");
    await send("orders/create", order);
    await send("orders/cancelled", { ...order, updated_at: "2026-11-17T09:00:00-05:00", cancelled_at: "2026-11-17T09:00:00-05:00" });
    rig.app.clock.set(THURSDAY);
    await sweep();
    await advance(rig.app, 1_000);
    expect(await messagesOf(order.id)).toEqual([]);

    // planned, then cancelled before it goes: the sender drops it
    const n = rig.app.container.services.notifications;
    expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: true, start: "08:00", end: "12:00" }, combineWindowMinutes: 0, sms: { minOrderValue: 0, express: true }, moments: { fulfillment_delayed: true } })).ok).toBe(true);
    const later = await lateOrder("#5105");
    expect((await messagesOf(later.id)).map((r) => r.status)).toEqual(["pending", "pending"]);
    rig.app.clock.set("2026-11-19T11:00:00-05:00");
    await send("orders/cancelled", { ...later, updated_at: "2026-11-19T11:00:00-05:00", cancelled_at: "2026-11-19T11:00:00-05:00" });
    await advance(rig.app, 2 * 3_600_000);
    expect((await messagesOf(later.id)).map((r) => r.status)).toEqual(["suppressed", "suppressed"]);
    expect(emailsTo("#5105")).toEqual([]);
    await setMoment(true);
  });

  it("GIVEN an order partly shipped (a backordered line left) THEN its case opens but no 'not shipped yet' message goes: part of it has shipped", async () => {
    await setMoment(true);
    const shipped = { ...line(), fulfillable_quantity: 0, fulfillment_status: "fulfilled" };
    const order = await lateOrder("#5107", { fulfillment_status: "partial", line_items: [shipped, line()] });
    const cases = await rig.app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("orderId", "=", String(order.id)).execute();
    expect(cases).toEqual([{ type: "fulfillment_delayed", status: "open" }]);
    expect(await messagesOf(order.id)).toEqual([]);
  });

  it("GIVEN another shop with the moment off THEN its late order gets no message, and shop A's message is not in its Outbox", async () => {
    await setMoment(true, SHOP_A);
    const n = rig.app.container.services.notifications;
    expect(await n.saveChannel(SHOP_B, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
    await setMoment(false, SHOP_B);
    rig.app.clock.set(MONDAY);
    const other = anOrder("#5102");
    await send("orders/create", other, SHOP_B);
    rig.app.clock.set(THURSDAY);
    await sweep();
    await advance(rig.app, 1_000);
    const theirCases = await rig.app.db.selectFrom("ExceptionCase").select("type").where("shop", "=", SHOP_B).where("orderId", "=", String(other.id)).execute();
    expect(theirCases).toEqual([{ type: "fulfillment_delayed" }]);
    expect(await rig.app.db.selectFrom("Notification").select("id").where("shop", "=", SHOP_B).execute()).toEqual([]);
    // shop A's #5102 still got exactly one email, shop B's none
    expect(emailsTo("#5102")).toHaveLength(1);
  });

  it("GIVEN a customer who writes in French, Spanish or German THEN the message is in their language", async () => {
    const words = {
      fr: ["Votre commande #5110 met un peu plus de temps à partir", "met un peu plus de temps que prévu à être expédiée"],
      es: ["Tu pedido #5111 está tardando un poco más en salir", "está tardando un poco más de lo previsto en enviarse"],
      de: ["Ihre Bestellung #5112 braucht etwas länger bis zum Versand", "braucht etwas länger als geplant, bis sie versandt wird"],
      en: ["Your order #5113 is taking a little longer to ship", "is taking a little longer to ship than we planned"],
    } as const;
    await setMoment(true);
    let name = 5110;
    for (const [locale, [subject, sentence]] of Object.entries(words)) {
      const order = await lateOrder(`#${name++}`, { customer_locale: locale });
      const [email] = emailsTo(order.name);
      expect(email?.subject, `${locale}: ${JSON.stringify((await messagesOf(order.id)).map((r) => [r.status, r.statusReason, r.locale]))}`).toBe(subject);
      expect(decodedEmail(email!), locale).toContain(sentence);
    }
  });
  it("GIVEN the merchant's own words on the Templates page THEN the message goes in them; bad Liquid is refused and changes nothing", async () => {
    await setMoment(true);
    const n = rig.app.container.services.notifications;
    const shipped = await n.template(SHOP_A, "fulfillment_delayed", "email", "en");
    expect(shipped?.subject).toBe("Your order {{ order.name }} is taking a little longer to ship");
    const bad = await n.saveTemplate(SHOP_A, { template: "fulfillment_delayed", channel: "email", locale: "en", subject: "Late {{ order.name", body: "<p>x</p>" });
    expect(bad.ok).toBe(false);
    expect((await n.template(SHOP_A, "fulfillment_delayed", "email", "en"))?.subject).toBe(shipped?.subject);
    const saved = await n.saveTemplate(SHOP_A, { template: "fulfillment_delayed", channel: "email", locale: "en", subject: "Still packing {{ order.name }}", body: '<p>We are still packing {{ order.name }}. <a href="{{ shop.tracking_page_url }}">Status</a></p>' });
    expect(saved).toMatchObject({ ok: true });
    const order = await lateOrder("#5108");
    const [email] = emailsTo("#5108");
    expect(email?.subject).toBe("Still packing #5108");
    expect(decodedEmail(email!)).toContain("We are still packing #5108");
    await n.resetTemplate(SHOP_A, "fulfillment_delayed", "email", "en");
    expect((await n.template(SHOP_A, "fulfillment_delayed", "email", "en"))?.subject).toBe(shipped?.subject);
    expect(await messagesOf(order.id)).toHaveLength(2);
  });

  // last: a redacted customer stays redacted in every later order of theirs
  it("GIVEN customers/redact THEN the order-level message loses its recipient and words like any other", async () => {
    await setMoment(true);
    const order = await lateOrder("#5106", { email: "li.wei@example.com", customer: { id: 7_100_000_099, email: "li.wei@example.com", first_name: "Li", last_name: "Wei", phone: "+16135550199", tags: "" }, shipping_address: { first_name: "Li", last_name: "Wei", address1: "88 Queen St W", city: "Toronto", province: "Ontario", province_code: "ON", country: "Canada", country_code: "CA", zip: "M5H 2N2", phone: "+16135550199" } });
    const sent = await messagesOf(order.id);
    expect(sent.map((r) => r.status)).toEqual(["sent", "sent"]);
    expect(sent[0]!.recipient).toBe("li.wei@example.com");
    await send("customers/redact", { shop_id: 1, shop_domain: SHOP_A, customer: { id: 7_100_000_099, email: "li.wei@example.com", phone: "+16135550199" }, orders_to_redact: [order.id] });
    const scrubbed = await messagesOf(order.id);
    for (const r of scrubbed) {
      expect(r.recipient).toBeNull();
      expect(r.preview).toBe("[redacted]");
      expect(r.html).toBeNull();
    }
  });

});
