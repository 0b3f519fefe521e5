import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messageIdFor } from "~/.server/adapters/channels";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, TEST_API_KEY, TEST_SECRET, type TestApp } from "../support/test-app";

/**
 * Crash safety of the send authority: 2,000 orders come in as signed webhooks, and a separate worker process
 * (`server/worker.ts`, 8 jobs at once) is SIGKILLed again and again while it processes them and sends their
 * "packed" emails to a real SMTP server — once on the database queue (SQLite), once on BullMQ (the local Redis). Every message must arrive, and none
 * twice: a send cut off between the server's acceptance and our commit goes again with the same Message-ID
 * (the idempotency key a mailbox de-duplicates on), so what a recipient sees is exactly one of each.
 */
const ORDERS = 2_000;
const KILLS = 10;

// a Redis database of its own, emptied before and after
const REDIS_URL = "redis://127.0.0.1:6379/8";

let smtp: SmtpCapture;
let app: TestApp;
let queueEnv: Record<string, string> = {};

beforeAll(async () => {
  smtp = await startSmtpCapture();
});
afterAll(async () => {
  await smtp?.close();
});
afterEach(async () => {
  await app?.close();
  await flushRedis();
});

async function flushRedis() {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  await redis.flushdb();
  redis.disconnect();
}

async function startApp(env: Record<string, string>) {
  smtp.reset();
  queueEnv = env;
  if (env.REDIS_URL) await flushRedis();
  // the test's own app only receives webhooks; all processing happens in the worker processes
  app = await startTestApp({ worker: false, env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", ...env } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0, freshnessHours: 336 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
}

function startWorker(): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "server/worker.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "test",
      SHOPIFY_API_KEY: TEST_API_KEY,
      SHOPIFY_API_SECRET: TEST_SECRET,
      SHOPIFY_APP_URL: "https://shipwatch.test",
      SCOPES: "read_orders,read_fulfillments",
      DATABASE_URL: app.container.config.database.url,
      SMTP_URL: smtp.url,
      EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>",
      SILENCE_GRACE_MINUTES: "0",
      SWEEP_INTERVAL_SECONDS: "1",
      JOB_LEASE_SECONDS: "1",
      WORKER_CONCURRENCY: "8",
      LOG_LEVEL: "silent",
      ...queueEnv,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}

const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));

describe.each([
  ["the database queue", {}],
  ["BullMQ", { REDIS_URL }],
])("notifications under worker crashes, on %s", (_name, env: Record<string, string>) => {
  it(`GIVEN ${ORDERS} orders WHEN the worker is SIGKILLed ${KILLS} times while sending THEN each email is delivered exactly once`, async () => {
    await startApp(env);
    const orders = [];
    for (let i = 0; i < ORDERS; i++) {
      const order = orderPayload({ id: newId(), name: `#C${i}`, email: `shopper${i}@example.test`, created_at: new Date(Date.now() - 3_600_000).toISOString(), updated_at: new Date(Date.now() - 3_600_000).toISOString() });
      const tracking = `1Z999AA1${String(800000 + i).padStart(10, "0")}`;
      const f = fulfillmentPayload(order.id, { name: `#C${i}.1`, tracking_number: tracking, tracking_numbers: [tracking], created_at: new Date(Date.now() - 1_800_000).toISOString(), updated_at: new Date(Date.now() - 1_800_000).toISOString() });
      orders.push([order, f] as const);
    }
    // webhooks arrive while workers come and go
    const sending = (async () => {
      for (let i = 0; i < orders.length; i += 50) {
        await Promise.all(
          orders.slice(i, i + 50).flatMap(([order, f]) => [app.sendWebhook("orders/create", order), app.sendWebhook("fulfillments/create", f)]),
        );
      }
    })();

    const sent = async () =>
      Number((await app.db.selectFrom("Notification").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "sent").executeTakeFirstOrThrow()).n);
    let kills = 0;
    while (kills < KILLS) {
      const worker = startWorker();
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 900));
      worker.kill("SIGKILL");
      await exited(worker);
      kills += 1;
      if ((await sent()) >= ORDERS) break;
    }
    await sending;
    const mid = await sent();
    // the last worker is left to finish
    const last = startWorker();
    const deadline = Date.now() + 150_000;
    while ((await sent()) < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    last.kill("SIGTERM");
    await exited(last);

    const rows = await app.db.selectFrom("Notification").select(["sendKey", "status", "attempts", "shop"]).execute();
    expect(rows.length).toBe(ORDERS);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    // the kills really happened during the work
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(mid).toBeLessThan(ORDERS);

    const received = smtp.messages.map((m) => m.messageId);
    const unique = new Set(received);
    expect(unique.size).toBe(ORDERS);
    for (const r of rows) expect(unique.has(messageIdFor(`${r.shop}|${r.sendKey}`))).toBe(true);
    // a repeat is only ever a send cut off between acceptance and commit: the same Message-ID, at most the
    // messages in flight at each kill
    const repeats = received.length - unique.size;
    expect(repeats).toBeLessThanOrEqual(kills * 8);
    process.stdout.write(`crash test (${_name}): ${kills} kills, ${ORDERS} emails, ${repeats} re-sends with the same Message-ID\n`);
  }, 300_000);
});
