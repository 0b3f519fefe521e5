import { createHmac, randomBytes } from "node:crypto";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  createChannelGateway,
  EMAIL_NOT_CONFIGURED,
  KLAVIYO_REVISION,
  messageIdFor,
  verifyShipwatchSignature,
  type ClosableChannelGateway,
  type ShipwatchWebhookBody,
} from "~/.server/adapters/channels";
import { maskSecrets, parseRetryAfter } from "~/.server/adapters/channels/http";
import { createSecretBox } from "~/.server/adapters/secret-box";
import type { ChannelCredentials, OutgoingMessage, SendOutcome } from "~/.server/ports";
import type { Channel } from "~/domain/notifications";
import { startFakeProviders, type FakeProviders } from "../../scripts/local-services/fake-providers";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";

const SHOP = "maple-and-moss.myshopify.com";
const API_VERSION = "2026-07";
const TIMEOUT_MS = 2_000;

// Credentials shaped as the domain's schemas require, each distinctive enough to search error texts for.
const TWILIO_SID = `AC${"0a1b2c3d4e5f6789".repeat(2)}`;
const TWILIO_TOKEN = `twtok${randomBytes(16).toString("hex")}`;
const MESSAGING_SERVICE = `MG${"9f8e7d6c5b4a3210".repeat(2)}`;
const KLAVIYO_KEY = `pk_${randomBytes(16).toString("hex")}`;
const SIGNING_SECRET = `whsec_${randomBytes(16).toString("hex")}`;
const SHOPIFY_TOKEN = `shpat_${randomBytes(16).toString("hex")}`;
const SLACK_TOKEN = `Slk${randomBytes(12).toString("hex")}`;
const SMTP_PASSWORD = `smtpPw${randomBytes(8).toString("hex")}`;
const ALL_SECRETS = [TWILIO_TOKEN, KLAVIYO_KEY, SIGNING_SECRET, SHOPIFY_TOKEN, SLACK_TOKEN, SMTP_PASSWORD];

const ORDER_GID = "gid://shopify/Order/5550001001";

function message(channel: Channel, overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    shop: SHOP,
    channel,
    idempotencyKey: `${SHOP}:case-42:out_for_delivery:${channel}:${randomBytes(4).toString("hex")}`,
    to: channel === "email" ? "maya.chen@example.com" : channel === "sms" ? "+16135550123" : null,
    subject: channel === "email" ? "Your order #1001 is out for delivery" : null,
    text: "Good news: order #1001 is out for delivery today. Track it: https://maple-and-moss.example/apps/track?t=2hdx7k9fq3.kcq.S4mpleT0kenN0tS1gned0A",
    html: channel === "email" ? "<p>Good news: order <strong>#1001</strong> is out for delivery today.</p>" : null,
    event: {
      name: "Shipwatch: Out for delivery",
      moment: "out_for_delivery",
      occurredAt: Date.parse("2026-11-23T09:15:00Z"),
      profile: { email: "maya.chen@example.com", phone: "+16135550123" },
      properties: { order_name: "#1001", tracking_number: "1Z999AA10123456784", carrier: "UPS" },
    },
    shopify: channel === "shopify" ? { orderGid: ORDER_GID, tags: ["shipwatch:out-for-delivery"], metafield: { key: "delivery_status", value: '{"status":"out_for_delivery"}' } } : null,
    ...overrides,
  };
}

describe("notification channels against local stand-ins", () => {
  let smtp: SmtpCapture;
  let shopSmtp: SmtpCapture;
  let fake: FakeProviders;
  let gateway: ClosableChannelGateway;
  const extraGateways: ClosableChannelGateway[] = [];
  const failures: string[] = [];

  const gatewayWith = (overrides: Partial<Parameters<typeof createChannelGateway>[0]> = {}) => {
    const created = createChannelGateway({
      email: { smtpUrl: smtp.url, from: "Shipwatch <notifications@shipwatch.example>" },
      timeoutMs: TIMEOUT_MS,
      twilioApiBase: fake.twilioApiBase,
      klaviyoApiBase: fake.klaviyoApiBase,
      shopifyAdminApiBase: fake.shopifyAdminApiBase,
      shopifyApiVersion: API_VERSION,
      // the webhook, Slack and shop SMTP stand-ins listen on 127.0.0.1 (test/security/ssrf*.test.ts runs without it)
      allowPrivateDestinations: true,
      ...overrides,
    });
    extraGateways.push(created);
    return created;
  };
  /** every failure's text is kept, to check that no secret ever appears in one */
  const send = async (g: ClosableChannelGateway, m: OutgoingMessage, c: ChannelCredentials): Promise<SendOutcome> => {
    const outcome = await g.send(m, c);
    if (!outcome.ok) failures.push(outcome.error);
    return outcome;
  };

  const creds = {
    email: (): ChannelCredentials => ({ settings: { from: "Maple & Moss <hello@maple-and-moss.example>", replyTo: "support@maple-and-moss.example" }, secret: {} }),
    sms: (from = "+16135550100"): ChannelCredentials => ({ settings: { accountSid: TWILIO_SID, from }, secret: { authToken: TWILIO_TOKEN } }),
    slack: (): ChannelCredentials => ({ settings: { label: "#ops" }, secret: { webhookUrl: fake.slackWebhookUrl(SLACK_TOKEN) } }),
    klaviyo: (): ChannelCredentials => ({ settings: {}, secret: { privateKey: KLAVIYO_KEY } }),
    webhook: (): ChannelCredentials => ({ settings: { url: fake.hookUrl("gorgias") }, secret: { signingSecret: SIGNING_SECRET } }),
    shopify: (accessToken: string | null = SHOPIFY_TOKEN): ChannelCredentials => ({ settings: { tagExceptions: true, statusMetafield: true }, secret: {}, accessToken }),
  };

  beforeAll(async () => {
    [smtp, shopSmtp, fake] = await Promise.all([startSmtpCapture(), startSmtpCapture(), startFakeProviders()]);
    gateway = gatewayWith();
  });
  afterEach(() => {
    smtp.reset();
    shopSmtp.reset();
  });
  afterAll(async () => {
    await Promise.all(extraGateways.map((g) => g.close()));
    await Promise.all([smtp?.close(), shopSmtp?.close(), fake?.close()]);
  });

  describe("email (SMTP)", () => {
    it("sends text and HTML alternatives with a Message-ID derived from the send key", async () => {
      const m = message("email");
      const outcome = await send(gateway, m, creds.email());
      expect(outcome).toEqual({ ok: true, providerId: messageIdFor(m.idempotencyKey) });
      const [mail] = await smtp.waitFor(1, 5_000);
      expect(mail!.from).toBe("hello@maple-and-moss.example");
      expect(mail!.to).toEqual(["maya.chen@example.com"]);
      expect(mail!.subject).toBe("Your order #1001 is out for delivery");
      expect(mail!.messageId).toMatch(/^<[0-9a-f]{32}@shipwatch>$/);
      expect(mail!.messageId).toBe(messageIdFor(m.idempotencyKey));
      expect(mail!.headers["x-shipwatch-key"]).toBe(m.idempotencyKey);
      expect(mail!.headers["reply-to"]).toBe("support@maple-and-moss.example");
      expect(mail!.headers.from).toContain("hello@maple-and-moss.example");
      expect(mail!.headers["content-type"]).toMatch(/^multipart\/alternative/);
      expect(mail!.text).toMatch(/Content-Type: text\/plain/);
      expect(mail!.text).toMatch(/Content-Type: text\/html/);
      expect(mail!.text).toContain("out for delivery today");
      expect(mail!.text).toContain("<strong>#1001</strong>");
    });

    it("a retried send carries the same Message-ID; the operator's From is used when the shop set none", async () => {
      const m = message("email");
      await send(gateway, m, { settings: {}, secret: {} });
      await send(gateway, m, { settings: {}, secret: {} });
      const mails = await smtp.waitFor(2, 5_000);
      expect(mails[0]!.messageId).toBe(mails[1]!.messageId);
      expect(mails[0]!.from).toBe("notifications@shipwatch.example");
      expect(mails[0]!.headers["reply-to"]).toBeUndefined();
    });

    it("uses the shop's own SMTP server when it connected one", async () => {
      const url = new URL(shopSmtp.url);
      url.username = "maple";
      url.password = SMTP_PASSWORD;
      const outcome = await send(gateway, message("email"), { settings: { from: "hello@maple-and-moss.example" }, secret: { smtpUrl: url.toString() } });
      expect(outcome.ok).toBe(true);
      await shopSmtp.waitFor(1, 5_000);
      expect(smtp.messages).toHaveLength(0);
    });

    it("4xx replies are retryable, 5xx replies permanent", async () => {
      smtp.failNext(1, 451, "4.3.0 Mailbox temporarily unavailable, try again");
      smtp.failNext(1, 550, "5.1.1 No such user here");
      const first = await send(gateway, message("email"), creds.email());
      const second = await send(gateway, message("email"), creds.email());
      expect(first).toMatchObject({ ok: false, retryable: true, status: 451 });
      expect(second).toMatchObject({ ok: false, retryable: false, status: 550 });
      if (!first.ok && !second.ok) {
        expect(first.error).toBe("SMTP 451: 4.3.0 Mailbox temporarily unavailable, try again");
        expect(second.error).toBe("SMTP 550: 5.1.1 No such user here");
      }
      expect(smtp.rejected.map((r) => r.code)).toEqual([451, 550]);
      // the pooled connection survives the refusals
      expect((await send(gateway, message("email"), creds.email())).ok).toBe(true);
    });

    it("no SMTP server anywhere is a permanent, explained failure", async () => {
      const bare = gatewayWith({ email: {} });
      const outcome = await send(bare, message("email"), creds.email());
      expect(outcome).toEqual({ ok: false, retryable: false, retryAfterMs: null, status: null, error: EMAIL_NOT_CONFIGURED });
    });

    it("an unreachable server is retryable, and the URL's password stays out of the error", async () => {
      const port = await closedPort();
      const outcome = await send(gateway, message("email"), { settings: { from: "hello@maple-and-moss.example" }, secret: { smtpUrl: `smtp://maple:${SMTP_PASSWORD}@127.0.0.1:${port}` } });
      expect(outcome).toMatchObject({ ok: false, retryable: true, status: null });
      if (!outcome.ok) expect(outcome.error).not.toContain(SMTP_PASSWORD);
    });
  });

  describe("SMS (Twilio)", () => {
    it("posts a form-encoded message with basic auth and returns the sid", async () => {
      const outcome = await send(gateway, message("sms"), creds.sms());
      expect(outcome.ok).toBe(true);
      const [request] = fake.requests("twilio").slice(-1);
      expect(request!.path).toBe(`/2010-04-01/Accounts/${TWILIO_SID}/Messages.json`);
      expect(request!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
      expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${TWILIO_SID}:${TWILIO_TOKEN}`).toString("base64")}`);
      const form = new URLSearchParams(request!.body);
      expect(Object.fromEntries(form)).toEqual({ To: "+16135550123", From: "+16135550100", Body: message("sms").text });
      const [accepted] = fake.twilioMessages().slice(-1);
      expect(outcome).toEqual({ ok: true, providerId: accepted!.sid });
      expect(accepted!.sid).toMatch(/^SM[0-9a-f]{32}$/);
    });

    it("sends through a Messaging Service when the sender is an MG… SID", async () => {
      expect((await send(gateway, message("sms"), creds.sms(MESSAGING_SERVICE))).ok).toBe(true);
      const form = new URLSearchParams(fake.requests("twilio").slice(-1)[0]!.body);
      expect(form.get("MessagingServiceSid")).toBe(MESSAGING_SERVICE);
      expect(form.has("From")).toBe(false);
    });

    it("an invalid number is a permanent 400 with Twilio's words and code, and says the recipient is unusable (without the number)", async () => {
      const outcome = await send(gateway, message("sms", { to: "+1555" }), creds.sms());
      expect(outcome).toEqual({
        ok: false,
        retryable: false,
        retryAfterMs: null,
        status: 400,
        error: "Twilio 400: The 'To' number +1555 is not a valid phone number. (21211)",
        unusableRecipient: "Twilio says it is not a valid phone number (21211)",
      });
    });

    it("a 500 is retryable; a provider echoing the token does not leak it", async () => {
      fake.failNext("twilio", 1, { status: 500 });
      const outcome = await send(gateway, message("sms"), creds.sms());
      expect(outcome).toMatchObject({ ok: false, retryable: true, status: 500, retryAfterMs: null });

      fake.failNext("twilio", 1, { status: 401, body: JSON.stringify({ code: 20003, message: `Authenticate with ${TWILIO_TOKEN} failed`, status: 401 }) });
      const echoed = await send(gateway, message("sms"), creds.sms());
      expect(echoed).toMatchObject({ ok: false, retryable: false, status: 401 });
      if (!echoed.ok) {
        expect(echoed.error).not.toContain(TWILIO_TOKEN);
        expect(echoed.error).toContain("Twilio 401: Authenticate with **** failed (20003)");
      }
    });

    it("credentials that do not fit the schema fail permanently without showing the values", async () => {
      const outcome = await send(gateway, message("sms"), { settings: { accountSid: "nope", from: "+16135550100" }, secret: { authToken: TWILIO_TOKEN } });
      expect(outcome).toMatchObject({ ok: false, retryable: false });
      if (!outcome.ok) expect(outcome.error).toMatch(/^SMS \(Twilio\) is not set up correctly: accountSid: a Twilio Account SID starts with AC/);
    });
  });

  describe("Slack (incoming webhook)", () => {
    it("posts {text} as JSON", async () => {
      expect(await send(gateway, message("slack"), creds.slack())).toEqual({ ok: true, providerId: null });
      const [request] = fake.requests("slack").slice(-1);
      expect(request!.path).toBe(`/slack/services/T0000000000/B0000000000/${SLACK_TOKEN}`);
      expect(request!.headers["content-type"]).toMatch(/^application\/json/);
      expect(JSON.parse(request!.body)).toEqual({ text: message("slack").text });
    });

    it("429 with Retry-After is retryable after that many seconds", async () => {
      fake.failNext("slack", 1, { status: 429, retryAfter: 2 });
      expect(await send(gateway, message("slack"), creds.slack())).toMatchObject({ ok: false, retryable: true, status: 429, retryAfterMs: 2_000 });
    });

    it("a removed webhook (404 no_service) or archived channel (410) is permanent, explained, and the URL stays secret", async () => {
      fake.failNext("slack", 1, { status: 404 });
      fake.failNext("slack", 1, { status: 410 });
      fake.failNext("slack", 1, { status: 400, body: `invalid_payload posting to ${fake.slackWebhookUrl(SLACK_TOKEN)}` });
      const removed = await send(gateway, message("slack"), creds.slack());
      const archived = await send(gateway, message("slack"), creds.slack());
      const echoed = await send(gateway, message("slack"), creds.slack());
      expect(removed).toMatchObject({ ok: false, retryable: false, status: 404 });
      expect(archived).toMatchObject({ ok: false, retryable: false, status: 410 });
      if (!removed.ok && !archived.ok && !echoed.ok) {
        expect(removed.error).toBe("Slack 404: no_service (the webhook was removed or disabled; reconnect Slack)");
        expect(archived.error).toBe("Slack 410: channel_is_archived (the Slack channel is archived)");
        expect(echoed.error).not.toContain(SLACK_TOKEN);
        expect(echoed.error).not.toContain("/slack/services/");
      }
    });
  });

  describe("Klaviyo (Events API)", () => {
    it("posts a JSON:API event with the metric, profile, unique_id and time", async () => {
      const m = message("klaviyo");
      expect(await send(gateway, m, creds.klaviyo())).toEqual({ ok: true, providerId: null });
      const [request] = fake.requests("klaviyo").slice(-1);
      expect(request!.headers.authorization).toBe(`Klaviyo-API-Key ${KLAVIYO_KEY}`);
      expect(request!.headers.revision).toBe(KLAVIYO_REVISION);
      expect(request!.headers["content-type"]).toBe("application/vnd.api+json");
      expect(JSON.parse(request!.body)).toEqual({
        data: {
          type: "event",
          attributes: {
            properties: { order_name: "#1001", tracking_number: "1Z999AA10123456784", carrier: "UPS", moment: "out_for_delivery" },
            metric: { data: { type: "metric", attributes: { name: "Shipwatch: Out for delivery" } } },
            profile: { data: { type: "profile", attributes: { email: "maya.chen@example.com", phone_number: "+16135550123" } } },
            unique_id: m.idempotencyKey,
            time: "2026-11-23T09:15:00.000Z",
          },
        },
      });
      expect(fake.klaviyoEvents()).toHaveLength(fake.requests("klaviyo").filter((r) => r.status === 202).length);
    });

    it("a 400 is permanent with Klaviyo's detail; 500 is retryable", async () => {
      fake.failNext("klaviyo", 1, { status: 400 });
      fake.failNext("klaviyo", 1, { status: 500 });
      const bad = await send(gateway, message("klaviyo"), creds.klaviyo());
      const down = await send(gateway, message("klaviyo"), creds.klaviyo());
      expect(bad).toMatchObject({ ok: false, retryable: false, status: 400, error: "Klaviyo 400: Invalid input. (invalid)" });
      expect(down).toMatchObject({ ok: false, retryable: true, status: 500 });
    });

    it("an event with neither email nor phone is refused before any request", async () => {
      const before = fake.requests("klaviyo").length;
      const m = message("klaviyo");
      const outcome = await send(gateway, { ...m, event: { ...m.event, profile: { email: null, phone: null } } }, creds.klaviyo());
      expect(outcome).toMatchObject({ ok: false, retryable: false });
      expect(fake.requests("klaviyo")).toHaveLength(before);
    });
  });

  describe("signed webhooks (helpdesk)", () => {
    it("posts the event with a signature the receiver can verify", async () => {
      const m = message("webhook");
      expect(await send(gateway, m, creds.webhook())).toEqual({ ok: true, providerId: null });
      const [request] = fake.requests("hooks").slice(-1);
      expect(request!.path).toBe("/hooks/gorgias");
      expect(request!.headers["content-type"]).toBe("application/json");
      expect(request!.headers["x-shipwatch-event-id"]).toBe(m.idempotencyKey);
      const timestamp = Number(request!.headers["x-shipwatch-timestamp"]);
      expect(Math.abs(timestamp * 1000 - Date.now())).toBeLessThan(10_000);
      // the documented scheme, computed independently of the helper: HMAC-SHA256 of "<timestamp>.<raw body>"
      const expected = createHmac("sha256", SIGNING_SECRET).update(`${timestamp}.${request!.body}`).digest("hex");
      expect(request!.headers["x-shipwatch-signature"]).toBe(`sha256=${expected}`);
      const body = JSON.parse(request!.body) as ShipwatchWebhookBody;
      expect(body).toEqual({
        id: m.idempotencyKey,
        type: "Shipwatch: Out for delivery",
        moment: "out_for_delivery",
        occurred_at: "2026-11-23T09:15:00.000Z",
        shop: SHOP,
        properties: m.event.properties,
      });

      const now = Date.now();
      expect(verifyShipwatchSignature(request!.body, request!.headers, SIGNING_SECRET, now)).toEqual({ ok: true });
      expect(verifyShipwatchSignature(request!.body, request!.headers, `${SIGNING_SECRET}x`, now)).toEqual({ ok: false, reason: "bad_signature" });
      const tampered = request!.body.replace("out_for_delivery", "delivered");
      expect(tampered).not.toBe(request!.body);
      expect(verifyShipwatchSignature(tampered, request!.headers, SIGNING_SECRET, now)).toEqual({ ok: false, reason: "bad_signature" });
      expect(verifyShipwatchSignature(request!.body, request!.headers, SIGNING_SECRET, now + 10 * 60_000)).toEqual({ ok: false, reason: "stale_timestamp" });
      const { ["x-shipwatch-signature"]: _dropped, ...unsigned } = request!.headers;
      expect(verifyShipwatchSignature(request!.body, unsigned, SIGNING_SECRET, now)).toEqual({ ok: false, reason: "missing_headers" });
    });

    it("a receiver that never answers is a retryable timeout, reported within the limit", async () => {
      const quick = gatewayWith({ timeoutMs: 300 });
      fake.failNext("hooks", 1, "timeout");
      const started = Date.now();
      const outcome = await send(quick, message("webhook"), creds.webhook());
      const elapsed = Date.now() - started;
      expect(outcome).toMatchObject({ ok: false, retryable: true, status: null, retryAfterMs: null });
      if (!outcome.ok) expect(outcome.error).toBe(`Webhook ${fake.url}: no answer within 300 ms`);
      expect(elapsed).toBeGreaterThanOrEqual(250);
      expect(elapsed).toBeLessThan(300 + 1_000);
    });

    it("an unreachable receiver is retryable; a 3xx or 4xx is permanent", async () => {
      const port = await closedPort();
      const unreachable = await send(gateway, message("webhook"), { settings: { url: `http://127.0.0.1:${port}/hooks/x` }, secret: { signingSecret: SIGNING_SECRET } });
      expect(unreachable).toMatchObject({ ok: false, retryable: true, status: null });
      fake.failNext("hooks", 1, { status: 301 });
      fake.failNext("hooks", 1, { status: 422 });
      expect(await send(gateway, message("webhook"), creds.webhook())).toMatchObject({ ok: false, retryable: false, status: 301 });
      expect(await send(gateway, message("webhook"), creds.webhook())).toMatchObject({ ok: false, retryable: false, status: 422 });
    });
  });

  describe("Shopify write-back (Admin GraphQL)", () => {
    it("adds the tags and sets the app-owned metafield in one request", async () => {
      const outcome = await send(gateway, message("shopify"), creds.shopify());
      expect(outcome).toEqual({ ok: true, providerId: null });
      const requests = fake.requests("shopify");
      const request = requests[requests.length - 1]!;
      expect(request.path).toBe(`/admin/api/${API_VERSION}/graphql.json`);
      expect(request.headers["x-shopify-access-token"]).toBe(SHOPIFY_TOKEN);
      const sent = JSON.parse(request.body) as { query: string; variables: { metafields: Record<string, unknown>[] } };
      expect(sent.query).toMatch(/tagsAdd\(/);
      expect(sent.query).toMatch(/metafieldsSet\(/);
      // the namespace is omitted: Shopify then uses the app-reserved one
      expect(sent.variables.metafields[0]).not.toHaveProperty("namespace");
      expect(fake.shopifyOrder(ORDER_GID)).toEqual({
        tags: ["shipwatch:out-for-delivery"],
        metafields: { "$app.delivery_status": { namespace: "$app", key: "delivery_status", type: "json", value: '{"status":"out_for_delivery"}' } },
      });

      // a plain value is a single-line text field; tags accumulate
      const m = message("shopify", { shopify: { orderGid: ORDER_GID, tags: ["shipwatch:delivered"], metafield: { key: "delivery_status", value: "delivered" } } });
      expect((await send(gateway, m, creds.shopify())).ok).toBe(true);
      const order = fake.shopifyOrder(ORDER_GID)!;
      expect(order.tags).toEqual(["shipwatch:out-for-delivery", "shipwatch:delivered"]);
      expect(order.metafields["$app.delivery_status"]).toMatchObject({ type: "single_line_text_field", value: "delivered" });
    });

    it("userErrors are permanent with Shopify's messages", async () => {
      const m = message("shopify", { shopify: { orderGid: "gid://shopify/Order/not-a-number", tags: ["x"], metafield: null } });
      const outcome = await send(gateway, m, creds.shopify());
      expect(outcome).toMatchObject({ ok: false, retryable: false, error: "Shopify: tagsAdd (id): Order does not exist" });
    });

    it("no offline session, a rejected token are permanent; a 503 is retryable", async () => {
      expect(await send(gateway, message("shopify"), creds.shopify(null))).toMatchObject({
        ok: false,
        retryable: false,
        error: expect.stringContaining("the shop has no offline session"),
      });
      fake.failNext("shopify", 1, { status: 401, body: JSON.stringify({ errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" }) });
      const rejected = await send(gateway, message("shopify"), creds.shopify());
      expect(rejected).toMatchObject({ ok: false, retryable: false, status: 401 });
      if (!rejected.ok) expect(rejected.error).toContain("the access token was rejected");
      fake.failNext("shopify", 1, { status: 503 });
      expect(await send(gateway, message("shopify"), creds.shopify())).toMatchObject({ ok: false, retryable: true, status: 503 });
    });

    it("a THROTTLED answer is retryable after the time the bucket needs to refill", async () => {
      const token = `shpat_${randomBytes(8).toString("hex")}`;
      fake.setShopifyAvailable(token, 0);
      const fresh = gatewayWith();
      const throttledBefore = fake.shopifyThrottledCount();
      const outcome = await send(fresh, message("shopify"), creds.shopify(token));
      expect(fake.shopifyThrottledCount()).toBe(throttledBefore + 1);
      expect(outcome).toMatchObject({ ok: false, retryable: true });
      // 10 points missing at 50 points per second
      if (!outcome.ok) {
        expect(outcome.retryAfterMs).toBeGreaterThanOrEqual(50);
        expect(outcome.retryAfterMs).toBeLessThanOrEqual(200);
        expect(outcome.error).toMatch(/^Shopify throttled the write-back/);
      }
    });

    it("the bucket estimate makes a burst back off instead of hammering the API", async () => {
      // a small, slow bucket of its own: 30 points, 10 restored per second, 10 per call
      const small = await startFakeProviders({ shopify: { maximumAvailable: 30, restoreRate: 10, costPerCall: 10 } });
      const token = SHOPIFY_TOKEN;
      const burst = gatewayWith({ shopifyAdminApiBase: small.shopifyAdminApiBase });
      const outcomes: SendOutcome[] = [];
      try {
        for (let i = 0; i < 10; i++) outcomes.push(await send(burst, message("shopify"), creds.shopify(token)));
      } finally {
        await small.close();
      }
      const sent = small.requests("shopify");
      // 30 points pay for three calls (a point or so restores meanwhile); the rest wait without a request
      expect(sent.length).toBeGreaterThanOrEqual(3);
      expect(sent.length).toBeLessThanOrEqual(4);
      expect(small.shopifyThrottledCount()).toBe(0);
      expect(outcomes.filter((o) => o.ok)).toHaveLength(sent.length);
      const waits = outcomes.filter((o): o is Extract<SendOutcome, { ok: false }> => !o.ok);
      expect(waits.length).toBe(10 - sent.length);
      for (const w of waits) {
        expect(w.retryable).toBe(true);
        expect(w.status).toBeNull();
        expect(w.retryAfterMs).toBeGreaterThan(0);
        expect(w.retryAfterMs).toBeLessThanOrEqual(1_000);
        expect(w.error).toMatch(/^Shopify rate limit:/);
      }
    });

    it("a shop whose bucket ran low waits the suggested time, then goes through", async () => {
      const token = `shpat_${randomBytes(8).toString("hex")}`;
      fake.setShopifyAvailable(token, 12);
      const g = gatewayWith();
      const throttledBefore = fake.shopifyThrottledCount();
      expect((await send(g, message("shopify"), creds.shopify(token))).ok).toBe(true);
      const waiting = await send(g, message("shopify"), creds.shopify(token));
      expect(waiting).toMatchObject({ ok: false, retryable: true, status: null });
      const retryAfterMs = waiting.ok ? 0 : (waiting.retryAfterMs ?? 0);
      expect(retryAfterMs).toBeGreaterThan(0);
      expect(retryAfterMs).toBeLessThanOrEqual(200);
      await new Promise((r) => setTimeout(r, retryAfterMs + 20));
      expect((await send(g, message("shopify"), creds.shopify(token))).ok).toBe(true);
      expect(fake.shopifyThrottledCount()).toBe(throttledBefore);
    });
  });

  describe("HTTP answers", () => {
    it("reads Retry-After as seconds or as an HTTP date", () => {
      const now = Date.parse("2026-11-23T10:00:00Z");
      expect(parseRetryAfter("120", now)).toBe(120_000);
      expect(parseRetryAfter("Mon, 23 Nov 2026 10:00:30 GMT", now)).toBe(30_000);
      expect(parseRetryAfter("Mon, 23 Nov 2026 09:00:00 GMT", now)).toBe(0);
      expect(parseRetryAfter("soon", now)).toBeNull();
      expect(parseRetryAfter(null, now)).toBeNull();
    });

    it("masks secrets, URL paths and passwords included", () => {
      const url = `https://hooks.slack.com/services/T0123ABCD/B0123ABCD/${SLACK_TOKEN}`;
      const masked = maskSecrets(`posting to ${url} failed; token ${SLACK_TOKEN}; path /services/T0123ABCD/B0123ABCD/${SLACK_TOKEN}`, [url]);
      expect(masked).not.toContain(SLACK_TOKEN);
      expect(masked).not.toContain("T0123ABCD");
    });

    it("no failure text of this suite contains a secret", () => {
      expect(failures.length).toBeGreaterThan(10);
      for (const text of failures) for (const secret of ALL_SECRETS) expect(text).not.toContain(secret);
    });
  });
});

describe("secret box", () => {
  const key = randomBytes(32);

  it("round-trips a value; every seal is different", () => {
    const box = createSecretBox(key);
    const value = { authToken: TWILIO_TOKEN, nested: { list: [1, "two", null] } };
    const a = box.seal(value);
    const b = box.seal(value);
    expect(a).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain(TWILIO_TOKEN);
    expect(box.open(a)).toEqual(value);
    expect(box.open(b)).toEqual(value);
    expect(box.open(box.seal("plain"))).toBe("plain");
  });

  it("refuses a tampered value", () => {
    const box = createSecretBox(key);
    const sealed = box.seal({ signingSecret: SIGNING_SECRET });
    const [version, iv, tag, data] = sealed.split(":") as [string, string, string, string];
    const bytes = Buffer.from(data, "base64");
    bytes[0] = bytes[0]! ^ 0x01;
    expect(() => box.open([version, iv, tag, bytes.toString("base64")].join(":"))).toThrow(/authentication failed/);
    const tagBytes = Buffer.from(tag, "base64");
    tagBytes[3] = tagBytes[3]! ^ 0x80;
    expect(() => box.open([version, iv, tagBytes.toString("base64"), data].join(":"))).toThrow(/authentication failed/);
    expect(() => box.open(`v2:${iv}:${tag}:${data}`)).toThrow(/format/);
    expect(() => box.open("v1:abc")).toThrow(/format/);
  });

  it("refuses a value sealed with another key, and a key of the wrong size", () => {
    const sealed = createSecretBox(key).seal({ privateKey: KLAVIYO_KEY });
    expect(() => createSecretBox(randomBytes(32)).open(sealed)).toThrow(/another key/);
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
