import type { ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { messageIdFor } from "~/.server/adapters/channels";
import { MAY_HAVE_REPEATED } from "~/.server/services/notifications";
import { startSmtpCapture, type SmtpCapture } from "../../scripts/local-services/smtp-capture";
import { fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";
import { exited, spawnSendingWorker } from "../support/worker-process";

/**
 * Crash safety of the send authority: 2,000 orders come in as signed webhooks, and a separate worker process
 * (`server/worker.ts`, 8 jobs at once) is SIGKILLed again and again while it processes them and sends their
 * "packed" emails to a real SMTP server — on the database queue (SQLite) and on BullMQ (the local Redis). Every
 * message must arrive. A send cut off between the relay's acceptance and our commit is "in doubt" (mail servers do
 * not de-duplicate on Message-ID): with the relay's message log to ask (SMTP_PROBE_URL), none goes twice; with
 * none, it goes again after the lease and a call's time limit, and every such repeat is flagged in the Outbox.
 */
const ORDERS = 2_000;
const KILLS = 10;

// a Redis database of its own, emptied before and after
const REDIS_URL = "redis://127.0.0.1:6379/8";

let smtp: SmtpCapture;
let app: TestApp;
let workerEnv: Record<string, string> = {};

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
  workerEnv = { ...env, ...(env.SMTP_PROBE_URL === PROBE ? { SMTP_PROBE_URL: smtp.eventsUrl } : {}) };
  if (env.REDIS_URL) await flushRedis();
  // the test's own app only receives webhooks; all processing happens in the worker processes
  app = await startTestApp({ worker: false, env: { SMTP_URL: smtp.url, EMAIL_FROM: "Alpha Goods <hello@alpha-goods.test>", ...workerEnv } });
  const n = app.container.services.notifications;
  expect((await n.savePolicy(SHOP_A, { quietHours: { enabled: false }, combineWindowMinutes: 0, freshnessHours: 336 })).ok).toBe(true);
  expect(await n.saveChannel(SHOP_A, "email", { enabled: true, settings: {}, secret: {} })).toEqual({ ok: true });
}

function startWorker(): ChildProcess {
  return spawnSendingWorker({ databaseUrl: app.container.config.database.url, smtpUrl: smtp.url, env: { JOB_LEASE_SECONDS: "1", WORKER_CONCURRENCY: "8", ...workerEnv } });
}

// stands for the capture's message log, known once it runs
const PROBE = "the SMTP capture's events API";

describe.each([
  ["the database queue, with the relay's message log", { SMTP_PROBE_URL: PROBE }],
  ["BullMQ, with the relay's message log", { REDIS_URL, SMTP_PROBE_URL: PROBE }],
  ["the database queue, with no way to ask the relay", {}],
])("notifications under worker crashes, on %s", (_name, env: Record<string, string>) => {
  const probed = !!env.SMTP_PROBE_URL;
  it(`GIVEN ${ORDERS} orders WHEN the worker is SIGKILLed ${KILLS} times while sending THEN each email is delivered, ${probed ? "none twice" : "and every repeat is flagged"}`, async () => {
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
    // kills that landed while the worker was sending (it recorded sends during its life)
    let killsWhileSending = 0;
    while (kills < KILLS) {
      const before = await sent();
      const worker = startWorker();
      // killed while it sends: once its first sends are recorded, at a random moment after
      const bootDeadline = Date.now() + 30_000;
      while ((await sent()) === before && Date.now() < bootDeadline) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 500));
      worker.kill("SIGKILL");
      await exited(worker);
      kills += 1;
      const after = await sent();
      if (after > before) killsWhileSending += 1;
      if (after >= ORDERS) break;
    }
    await sending;
    const mid = await sent();
    // the last worker is left to finish
    const last = startWorker();
    const deadline = Date.now() + 150_000;
    while ((await sent()) < ORDERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    last.kill("SIGTERM");
    await exited(last);

    const rows = await app.db.selectFrom("Notification").select(["sendKey", "status", "statusReason", "attempts", "shop"]).execute();
    expect(rows.length).toBe(ORDERS);
    expect(rows.filter((r) => r.status !== "sent")).toEqual([]);
    // the kills really happened during the work
    expect(kills).toBeGreaterThanOrEqual(3);
    expect(mid).toBeLessThan(ORDERS);

    const received = smtp.messages.map((m) => m.messageId);
    const unique = new Set(received);
    expect(unique.size).toBe(ORDERS);
    for (const r of rows) expect(unique.has(messageIdFor(`${r.shop}|${r.sendKey}`))).toBe(true);
    const repeats = received.length - unique.size;
    const repeated = new Set(received.filter((id, i) => received.indexOf(id) !== i));
    const flagged = rows.filter((r) => r.statusReason === MAY_HAVE_REPEATED);
    const confirmed = rows.filter((r) => r.statusReason?.startsWith("Sent: the provider confirmed")).length;
    process.stdout.write(
      `crash test (${_name}): ${kills} kills (${killsWhileSending} while sending), ${ORDERS} emails, ${repeats} sent twice ` +
        `(${(repeats / Math.max(1, killsWhileSending)).toFixed(2)} per kill while sending), ${confirmed} in-doubt sends settled by the relay's log, ${flagged.length} flagged as possibly twice\n`,
    );
    if (probed) {
      // the relay's log settles every send cut off in flight: no customer gets one twice
      expect(repeats).toBe(0);
      expect(flagged).toEqual([]);
    } else {
      // no way to ask: a repeat is only ever an in-doubt send, and the Outbox says so for each one (a flagged
      // send may also have been cut off before the relay took it: then it arrived once)
      const flaggedIds = new Set(flagged.map((r) => messageIdFor(`${r.shop}|${r.sendKey}`)));
      for (const id of repeated) expect(flaggedIds.has(id ?? ""), `${id} arrived twice unflagged`).toBe(true);
      expect(repeats).toBeLessThanOrEqual(flagged.length);
    }
  }, 300_000);
});
