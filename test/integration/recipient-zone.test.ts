import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * Quiet hours are the recipient's night: a shopper abroad is judged by their own clock, not the shop's
 * (New York, the default). Signed order and fulfillment webhooks in, the planned send time out.
 */
let smtp: SmtpCapture;
let app: TestApp | undefined;

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp.close();
});
afterEach(async () => {
  await app?.close();
  app = undefined;
});

const TOKYO = { city: "Chiyoda-ku", province: "Tokyo", province_code: "JP-13", country: "Japan", country_code: "JP", zip: "100-0005", address1: "1-1 Marunouchi" };
const LONDON = { city: "London", province: null, province_code: null, country: "United Kingdom", country_code: "GB", zip: "EC1A 1BB", address1: "1 Long Lane" };
const MANAUS = { city: "Manaus", province: "Amazonas", province_code: "AM", country: "Brazil", country_code: "BR", zip: "69005-070", address1: "Av. Eduardo Ribeiro 520" };
const BERLIN = { city: "Berlin", province: null, province_code: null, country: "Germany", country_code: "DE", zip: "10115", address1: "Invalidenstr. 1" };

async function plannedSendAt(now: string, address: Record<string, unknown>, fulfillmentDestination: "same" | "none" = "same") {
  smtp.reset();
  app = await startTestApp({ clock: fixedClock(now), env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>" } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: true, start: "21:00", end: "08:00" }, combineWindowMinutes: 0 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  const shipping = { first_name: "Aiko", last_name: "Sato", phone: null, ...address };
  const order = orderPayload({ id: newId(), name: `#${newId() % 100000}`, created_at: "2026-11-17T09:00:00Z", updated_at: "2026-11-17T09:00:00Z", shipping_address: shipping });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, {
    tracking_number: tracking,
    tracking_numbers: [tracking],
    created_at: now,
    updated_at: now,
    destination: fulfillmentDestination === "same" ? shipping : null,
  });
  expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
  await app.settle();
  const rows = await app.db.selectFrom("Notification").selectAll().where("shop", "=", SHOP_A).execute();
  expect(rows).toHaveLength(1);
  return new Date(rows[0]!.sendAt).toISOString();
}

describe("recipient's time zone for quiet hours", () => {
  it("GIVEN a shopper in Tokyo at midnight (10:00 in New York) THEN the message waits for 08:00 Tokyo", async () => {
    expect(await plannedSendAt("2026-11-18T15:00:00Z", TOKYO)).toBe("2026-11-18T23:00:00.000Z");
  });
  it("GIVEN a shopper in London at 23:30 (18:30 in New York) THEN the message waits for 08:00 London", async () => {
    expect(await plannedSendAt("2026-11-18T23:30:00Z", LONDON)).toBe("2026-11-19T08:00:00.000Z");
  });
  it("GIVEN a shopper in Berlin at 23:30 THEN the message waits for 08:00 Berlin", async () => {
    expect(await plannedSendAt("2026-11-18T22:30:00Z", BERLIN)).toBe("2026-11-19T07:00:00.000Z");
  });
  it("GIVEN a shopper in Manaus at 07:30 (08:30 in São Paulo) THEN the message waits for 08:00 Manaus", async () => {
    expect(await plannedSendAt("2026-11-18T11:30:00Z", MANAUS)).toBe("2026-11-18T12:00:00.000Z");
  });
  it("GIVEN a fulfillment without a destination THEN the order's shipping address decides", async () => {
    expect(await plannedSendAt("2026-11-18T15:00:00Z", TOKYO, "none")).toBe("2026-11-18T23:00:00.000Z");
  });
});

describe("recipient's time zone for the dates a message tells", () => {
  it("GIVEN a parcel delivered just after midnight in Tokyo (still the 18th in New York) THEN the message says the Tokyo day", async () => {
    await plannedSendAt("2026-11-18T15:00:00Z", TOKYO);
    const [row] = await app!.db.selectFrom("Notification").select(["shipmentId", "orderId"]).where("shop", "=", SHOP_A).execute();
    const f = await app!.db.selectFrom("Shipment").select("fulfillmentId").where("id", "=", row!.shipmentId).executeTakeFirstOrThrow();
    // 01:00 on Thursday 19 November in Tokyo; 11:00 on Wednesday 18 November in New York, the shop's zone
    const delivered = fulfillmentEventPayload(Number(f.fulfillmentId), Number(row!.orderId), { status: "delivered", message: "Delivered", happened_at: "2026-11-18T16:00:00Z" });
    expect((await app!.sendWebhook("fulfillment_events/create", delivered)).status).toBe(200);
    await app!.settle();
    const preview = await app!.container.services.notifications.previewTemplate(SHOP_A, { template: "delivered", channel: "sms", locale: "en", subject: null, body: "[{{ shipment.delivered_at }}] {{ shipment.headline }}", shipmentId: row!.shipmentId });
    expect(preview.ok && preview.rendered.text).toContain("[Thursday, November 19] Delivered on November 19");
  });
});
