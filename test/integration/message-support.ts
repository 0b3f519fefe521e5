import { expect } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { startSmtpCapture, type CapturedEmail, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * Helpers for the message tests (message-*.test.ts): an email as its reader sees it (MIME parts decoded), and
 * the links in any text.
 */

/** The decoded text and HTML parts of a captured email, joined: what a mail client shows and links. */
export function decodedEmail(email: CapturedEmail): string {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(email.raw)?.[1];
  const parts = boundary ? email.text.split(`--${boundary}`).slice(1) : [`\n\n${email.text}`];
  return parts
    .map((part) => {
      const normalized = part.replace(/\r\n/g, "\n");
      const split = normalized.indexOf("\n\n");
      if (split === -1) return "";
      const headers = normalized.slice(0, split).toLowerCase();
      const body = normalized.slice(split + 2);
      if (/content-type:\s*multipart\//.test(headers)) return decodedEmail({ ...email, raw: normalized, text: body });
      if (/content-transfer-encoding:\s*base64/.test(headers)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
      if (/content-transfer-encoding:\s*quoted-printable/.test(headers)) {
        const bytes = body.replace(/=\n/g, "").replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
        return Buffer.from(bytes, "latin1").toString("utf8");
      }
      return body;
    })
    .join("\n");
}

/** Every http(s) URL in a text or HTML (hrefs and bare links), entities decoded. */
export function urlsIn(text: string): string[] {
  const found = text.match(/https?:\/\/[^\s"'<>()]+/g) ?? [];
  return [...new Set(found.map((u) => u.replace(/&amp;/g, "&").replace(/[.,;:!?]+$/, "")))];
}

const TRACK_LINK = /^https:\/\/([^/?#]+)\/apps\/track\?t=([A-Za-z0-9._-]+)$/;

/** The token of a message link to the shop's tracking page; fails the test when the link has another shape. */
export function tokenOf(url: string, shop: string): string {
  const match = TRACK_LINK.exec(url);
  expect(match, `${url} is not a tracking page link`).not.toBeNull();
  expect(match![1]).toBe(shop);
  return match![2]!;
}

/** Nothing personal and no guessable order name in a URL: no email, no order name, no `?order=`. */
export function expectNoPersonalData(urls: readonly string[], personal: readonly string[]) {
  for (const url of urls) {
    expect(url, url).not.toMatch(/[?&]order=/);
    expect(url, url).not.toMatch(/[?&]email=/);
    expect(url, url).not.toContain("@");
    expect(url, url).not.toContain("%40");
    for (const p of personal) expect(url.toLowerCase(), url).not.toContain(p.toLowerCase());
  }
}

// ---- an app with every customer channel on local stand-ins

export const TWILIO = { accountSid: `AC${"b".repeat(32)}`, authToken: "twilio-auth-token-message-tests" };
export const KLAVIYO = { privateKey: "pk_messagetestsabcdefghijklm" };
export const HOOK_SECRET = "helpdesk-signing-secret-messages-01";

export interface MessageRig {
  app: TestApp;
  smtp: SmtpCapture;
  providers: FakeProviders;
  close(): Promise<void>;
}

/** The app on a real SQLite file, email to a local SMTP server, SMS, Klaviyo and a helpdesk webhook to stand-ins. */
export async function startMessageRig(options: { clock: string; policy?: Record<string, unknown>; channels?: string[] }): Promise<MessageRig> {
  const smtp = await startSmtpCapture();
  const providers = await startFakeProviders({ twilio: TWILIO, klaviyo: KLAVIYO });
  const app = await startTestApp({
    clock: fixedClock(options.clock),
    env: {
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>",
      TWILIO_API_BASE: providers.twilioApiBase,
      KLAVIYO_API_BASE: providers.klaviyoApiBase,
      SHOPIFY_ADMIN_API_BASE: providers.shopifyAdminApiBase,
      NOTIFY_TIMEOUT_MS: "1000",
    },
    notifications: { retryBaseMs: 1_000, leaseMs: 60_000 },
  });
  const n = app.container.services.notifications;
  const saved = await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0, sms: { minOrderValue: 0, express: true }, ...options.policy });
  expect(saved.ok).toBe(true);
  const wanted = new Set(options.channels ?? ["email", "sms", "klaviyo", "webhook"]);
  const connect = async (channel: Parameters<typeof n.saveChannel>[1], settings: Record<string, unknown>, secret: Record<string, unknown>) => {
    if (wanted.has(channel)) expect(await n.saveChannel(SHOP_A, channel, { enabled: true, settings, secret }), channel).toEqual({ ok: true });
  };
  await connect("email", {}, {});
  await connect("sms", { accountSid: TWILIO.accountSid, from: "+15005550006" }, { authToken: TWILIO.authToken });
  await connect("klaviyo", {}, { privateKey: KLAVIYO.privateKey });
  await connect("webhook", { url: providers.hookUrl("gorgias") }, { signingSecret: HOOK_SECRET });
  return {
    app,
    smtp,
    providers,
    async close() {
      await app.close();
      await smtp.close();
      await providers.close();
    },
  };
}

/** An order shipped by UPS to Ottawa (the fixtures' address), and a way to add carrier events to it. */
export async function shipOrder(app: TestApp, opts: { order?: Record<string, unknown>; fulfillment?: Record<string, unknown> } = {}) {
  const order = orderPayload({ id: newId(), name: `#${Math.floor(Math.random() * 90000) + 10000}`, created_at: "2026-11-17T09:00:00-05:00", updated_at: "2026-11-17T09:00:00-05:00", ...opts.order });
  const tracking = `1Z999AA1${String(newId()).slice(-10)}`;
  const f = fulfillmentPayload(order.id, { name: `${order.name}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: "2026-11-18T09:00:00-05:00", updated_at: "2026-11-18T09:00:00-05:00", ...opts.fulfillment });
  expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
  expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
  await app.settle();
  const event = async (status: string, message: string, at: string, extra: Record<string, unknown> = {}) => {
    expect((await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status, message, happened_at: at, ...extra }))).status).toBe(200);
    await app.settle();
  };
  return { order, fulfillment: f, event };
}

/** The clock moves on; the jobs that came due run (and the ones they schedule). */
export async function advance(app: TestApp, ms: number) {
  app.clock.advance(ms);
  for (let i = 0; i < 2; i++) {
    app.container.queue.wake?.();
    await app.settle();
  }
}
