import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * A fulfillment's tracking URL is written by any app or staff member with fulfillment access. A message links
 * the carrier's page only when it is a safe https link; otherwise it links the shop's own tracking page, so the
 * shopper still gets a link that opens. Signed webhooks in, the email the SMTP server received out.
 */
let smtp: SmtpCapture;
let app: TestApp;

beforeAll(async () => {
  smtp = await startSmtpCapture();
  app = await startTestApp({ clock: fixedClock("2026-11-18T15:00:00Z"), env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>" } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false, start: "21:00", end: "08:00" }, combineWindowMinutes: 0 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
  const saved = await n.saveTemplate(SHOP_A, { template: "packed", channel: "email", locale: "en", subject: "Packed {{ order.name }}", body: "<p>Track: [{{ shipment.tracking_url }}]</p>" });
  expect(saved).toMatchObject({ ok: true });
});
afterAll(async () => {
  await app?.close();
  await smtp?.close();
});

async function linkSent(trackingUrl: string, carrier: "UPS" | "Other" = "Other"): Promise<string> {
  smtp.reset();
  const order = orderPayload({ id: newId(), name: `#${newId() % 100000}`, created_at: "2026-11-18T09:00:00Z", updated_at: "2026-11-18T09:00:00Z" });
  // a number no carrier's format claims, on "Other": there is no carrier page to fall back to
  const tracking = carrier === "UPS" ? `1Z999AA1${String(newId()).slice(-10)}` : `ZQ-${newId()}`;
  const f = fulfillmentPayload(order.id, { tracking_company: carrier, tracking_number: tracking, tracking_numbers: [tracking], tracking_url: trackingUrl, tracking_urls: [trackingUrl], created_at: "2026-11-18T15:00:00Z", updated_at: "2026-11-18T15:00:00Z" });
  expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
  await app.settle();
  const [email] = await smtp.waitFor(1);
  const link = /Track: \[([^\]]*)\]/.exec(email!.text.replace(/=\r?\n/g, ""))?.[1];
  expect(link, email!.text).toBeDefined();
  return link!.replace(/&amp;/g, "&").replace(/=3D/g, "=");
}

describe("message links from fulfillments", () => {
  it("GIVEN a safe https carrier link THEN the email links it", async () => {
    expect(await linkSent("https://track.regional-carrier.example/p/1")).toBe("https://track.regional-carrier.example/p/1");
  });

  it("GIVEN an unsafe link on a UPS number THEN the email links UPS's own page", async () => {
    expect(await linkSent("http://carrier.example/track/1", "UPS")).toMatch(/^https:\/\/www\.ups\.com\/track\?/);
  });

  for (const unsafe of ["http://carrier.example/track/1", "javascript:alert(1)", "https://ups.com@evil.example/x"]) {
    it(`GIVEN the tracking URL ${unsafe} THEN the email links the shop's tracking page instead, signed for the order`, async () => {
      const link = await linkSent(unsafe);
      const token = /^https:\/\/([^/]+)\/apps\/track\?t=([^&#]+)$/.exec(link);
      expect(token?.[1], link).toBe(SHOP_A);
      expect(app.container.trackLinks.verify(SHOP_A, token![2]!, app.clock.now()), link).not.toBeNull();
    });
  }
});
