import path from "node:path";
import nodemailer from "nodemailer";
import { createContainer, type Container } from "~/.server/container";
import { createLogger } from "~/.server/logger";
import { signWebhook } from "~/.server/shopify/signatures";
import { startSmtpCapture, type SmtpCapture } from "../scripts/local-services/smtp-capture";
import { loadConfigForTools } from "../scripts/tool-config";
import { PREVIEW_SHOP } from "../server/endpoints/local-preview";
import { emit, percentile, tempDir } from "./support";

/**
 * notify, two measurements against the same local SMTP server (smtp-server, in this process):
 * - throughput: N orders with their fulfillments, already received, worked by the app's worker through the
 *   whole pipeline (process the delivery → shipment → evaluation → plan the "packed" email → render Liquid →
 *   send over SMTP → mark sent), beside a baseline that sends N pre-rendered emails with raw nodemailer
 *   (pooled, same concurrency) in the same run: ratio = app messages/s ÷ raw messages/s;
 * - latency: orders arriving at a steady rate while the worker runs; p95 from the fulfillment webhook being
 *   received to the SMTP server accepting its email.
 */
export async function notifyBenchmark(options: { messages?: number; rate?: number; seconds?: number } = {}) {
  const n = options.messages ?? 2_000;
  const dir = tempDir("notify");
  const smtp = await startSmtpCapture();
  try {
    // ---- the app, whole pipeline
    const app = await openApp(path.join(dir, "throughput.sqlite"), smtp);
    for (let i = 0; i < n; i++) await receiveOrder(app, i);
    let started = performance.now();
    app.queue.start(app.jobs, { recurring: app.recurring });
    await waitForMail(smtp, n, 10 * 60_000);
    const appSeconds = (performance.now() - started) / 1000;
    await app.queue.idle(60_000);
    const appReceived = smtp.messages.length;
    const unique = new Set(smtp.messages.map((m) => m.messageId)).size;
    await app.close();

    // ---- the baseline: raw nodemailer, same server, same concurrency, the same rendered size
    const sample = smtp.messages[0]!;
    smtp.reset();
    const transport = nodemailer.createTransport({ url: smtp.url, pool: true, maxConnections: app.config.worker.concurrency } as never);
    const html = sample.raw.slice(0, 4_000);
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: app.config.worker.concurrency }, async () => {
        while (next < n) {
          const i = next++;
          await transport.sendMail({ from: "Demo Store <orders@shipwatch-demo.test>", to: `shopper${i}@example.test`, subject: sample.subject, text: sample.text, html });
        }
      }),
    );
    const rawSeconds = (performance.now() - started) / 1000;
    transport.close();

    // ---- latency at a steady rate
    smtp.reset();
    const latency = await latencyAtSteadyRate(path.join(dir, "latency.sqlite"), smtp, options.rate ?? 50, options.seconds ?? 10);

    const appRate = Math.round(n / appSeconds);
    const rawRate = Math.round(n / rawSeconds);
    const line = {
      bench: "notify",
      messages: n,
      app: { messagesPerSecond: appRate, received: appReceived, uniqueMessageIds: unique, note: "webhook already received → … → SMTP accepted and marked sent" },
      baseline: { messagesPerSecond: rawRate, note: "raw nodemailer sendMail, pooled, same concurrency, same server" },
      ratio: Number((appRate / rawRate).toFixed(3)),
      latency,
      pass: appReceived === n && unique === n && latency.delivered === latency.expected,
    };
    emit(line);
    return line;
  } finally {
    await smtp.close();
  }
}

async function openApp(file: string, smtp: SmtpCapture): Promise<Container> {
  const config = loadConfigForTools({ DATABASE_URL: `file:${file}`, SMTP_URL: smtp.url, EMAIL_FROM: "Demo Store <orders@shipwatch-demo.test>", SILENCE_GRACE_MINUTES: "0" });
  const app = await createContainer(config, { migrate: true, logger: createLogger("silent"), evaluationDelayMs: 20 });
  await app.installLocally(PREVIEW_SHOP);
  const notifications = app.services.notifications;
  await notifications.savePolicy(PREVIEW_SHOP, { quietHours: { enabled: false }, combineWindowMinutes: 0 });
  await notifications.saveChannel(PREVIEW_SHOP, "email", { enabled: true, settings: {}, secret: {} });
  return app;
}

/** one order and its fulfillment (a label: the "packed" moment), received as signed webhooks */
async function receiveOrder(app: Container, i: number) {
  const now = new Date().toISOString();
  const id = 9_100_000_000 + i;
  const tracking = `1Z999AA1${String(500000 + i).padStart(10, "0")}`;
  const order = {
    id,
    name: `#N${i}`,
    email: `shopper${i}@example.test`,
    created_at: now,
    updated_at: now,
    currency: "USD",
    total_price: "48.00",
    customer_locale: ["en", "fr", "es", "de"][i % 4],
    customer: { id: 8_000_000 + i, email: `shopper${i}@example.test`, first_name: "Sam", last_name: "Lee" },
    shipping_address: { country_code: "US", province_code: "NY", city: "New York" },
    shipping_lines: [{ code: "STANDARD", title: "Standard", source: "shopify" }],
    line_items: [],
  };
  const fulfillment = {
    id: 9_200_000_000 + i,
    order_id: id,
    status: "success",
    name: `#N${i}.1`,
    created_at: now,
    updated_at: now,
    tracking_company: "UPS",
    tracking_number: tracking,
    tracking_numbers: [tracking],
    tracking_urls: [],
    destination: { country_code: "US", province_code: "NY" },
  };
  for (const [topic, payload] of [["orders/create", order], ["fulfillments/create", fulfillment]] as const) {
    const body = Buffer.from(JSON.stringify(payload));
    await app.services.ingest(body, {
      topic,
      hmac: signWebhook(body, app.config.shopify.apiSecret),
      shop: PREVIEW_SHOP,
      webhookId: `${topic}-${payload.id}`,
      eventId: `${topic}-${payload.id}`,
      triggeredAt: now,
      apiVersion: "2026-07",
    });
  }
}

async function waitForMail(smtp: SmtpCapture, count: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (smtp.messages.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${smtp.messages.length} of ${count} emails arrived`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function latencyAtSteadyRate(file: string, smtp: SmtpCapture, rate: number, seconds: number) {
  const app = await openApp(file, smtp);
  app.queue.start(app.jobs, { recurring: app.recurring });
  const total = rate * seconds;
  const started = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = started + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await receiveOrder(app, 100_000 + i);
    app.queue.wake?.();
  }
  await waitForMail(smtp, total, 120_000);
  const accepted = new Map(smtp.messages.map((m) => [m.to[0], m.receivedAt]));
  const received = await app.database.db.selectFrom("WebhookDelivery").select(["body", "receivedAt"]).where("topic", "=", "fulfillments/create").execute();
  const lags: number[] = [];
  for (const d of received) {
    const orderId = (JSON.parse(d.body) as { order_id: number }).order_id;
    const at = accepted.get(`shopper${orderId - 9_100_000_000}@example.test`);
    if (at !== undefined) lags.push(at - d.receivedAt);
  }
  lags.sort((a, b) => a - b);
  await app.close();
  return { atOrdersPerSecond: rate, expected: total, delivered: lags.length, p50Ms: percentile(lags, 50), p95Ms: percentile(lags, 95), maxMs: lags.at(-1) ?? 0 };
}
