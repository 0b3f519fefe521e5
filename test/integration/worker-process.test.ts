import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { systemClock } from "~/domain/clock";
import { openDatabase, type Database } from "~/.server/adapters/db/database";
import { migrate } from "~/.server/adapters/db/migrate";
import { PROCESS_DELIVERY_JOB } from "~/.server/ports";
import { createBullmqQueue } from "~/.server/adapters/queue/bullmq";
import { createLogger } from "~/.server/logger";
import { newId, orderPayload } from "../fixtures/shopify";
import { spawnWorkerProcess, type AppProcess } from "../support/app-process";

/**
 * `npm run worker` as a real process, on BullMQ (Redis logical database 7, flushed before and after) and a
 * PostgreSQL database of its own (dropped after). A real registered job, process-delivery, is held in flight by a
 * table lock the test takes: the job waits on PostgreSQL, a real await, so the process stays responsive while the
 * job is in hand. SIGTERM must then wait for the job: the process exits 0 only after the lock is released and the
 * job has completed.
 */
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = "redis://127.0.0.1:6379/7";
const SHOP = "alpha-goods.myshopify.com";

function spawnWorker(databaseUrl: string): AppProcess {
  return spawnWorkerProcess({ DATABASE_URL: databaseUrl, REDIS_URL, WORKER_CONCURRENCY: "2", SWEEP_INTERVAL_SECONDS: "3600" });
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("npm run worker on BullMQ", () => {
  const name = `shipwatch_worker_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const databaseUrl = `postgresql://postgres@127.0.0.1:5432/${name}`;
  let database: Database;
  let redis: Redis;
  let producer: ReturnType<typeof createBullmqQueue>;
  const workers: AppProcess[] = [];
  const locks: pg.Client[] = [];

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    await redis.flushdb();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    database = openDatabase({ dialect: "postgres", url: databaseUrl });
    await migrate(database);
    await database.db.insertInto("Shop").values({ shop: SHOP, installedAt: Date.now() }).execute();
    producer = createBullmqQueue({ redisUrl: REDIS_URL, clock: systemClock, logger: createLogger("silent") });
  });
  afterAll(async () => {
    for (const w of workers) w.kill();
    // a test that failed while holding its lock: ending the connection releases it
    for (const lock of locks) await lock.end().catch(() => {});
    await producer?.stop();
    await redis?.flushdb();
    redis?.disconnect();
    await database?.close();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  // each test starts from an empty queue (a worker killed by a test leaves its job behind)
  beforeEach(async () => {
    await redis.flushdb();
  });

  /** a stored orders/create delivery, its process-delivery job enqueued on BullMQ, held by a lock on its table */
  async function deliveryHeldInFlight() {
    const order = orderPayload({ id: newId() });
    const { id } = await database.db
      .insertInto("WebhookDelivery")
      .values({ shop: SHOP, topic: "orders/create", webhookId: randomUUID(), eventId: null, triggeredAt: null, apiVersion: "2026-07", body: JSON.stringify(order), receivedAt: Date.now() })
      .returning("id")
      .executeTakeFirstOrThrow();
    const lock = new pg.Client({ connectionString: databaseUrl });
    locks.push(lock);
    await lock.connect();
    await lock.query("BEGIN");
    await lock.query(`LOCK TABLE "WebhookDelivery" IN ACCESS EXCLUSIVE MODE`);
    await producer.enqueue({ name: PROCESS_DELIVERY_JOB, shop: SHOP, payload: { deliveryId: id } });
    return { id, lock };
  }

  const deliveryStatus = async (id: number) =>
    (await database.db.selectFrom("WebhookDelivery").select("status").where("id", "=", id).executeTakeFirstOrThrow()).status;

  it("on SIGTERM finishes the job in hand, then exits 0", { timeout: 45_000 }, async () => {
    const worker = spawnWorker(databaseUrl);
    workers.push(worker);
    await worker.waitForLog("worker started");
    expect(worker.logs.find((l) => l.msg === "worker started")).toMatchObject({ queue: "bullmq", concurrency: 2 });
    const { id, lock } = await deliveryHeldInFlight();
    try {
      await waitFor(async () => (await producer.counts(SHOP)).running === 1, "the worker to take the job");

      worker.child.kill("SIGTERM");
      await worker.waitForLog("worker stopping: finishing the jobs in hand", 5_000);
      // the job is in hand and waiting on the lock: the worker must wait with it
      await new Promise((r) => setTimeout(r, 700));
      expect(worker.child.exitCode).toBeNull();
      expect(await producer.counts(SHOP)).toMatchObject({ running: 1, done: 0 });
    } finally {
      await lock.query("COMMIT");
      await lock.end();
    }
    const releasedAt = Date.now();
    const { code, at } = await worker.exited;
    expect(code).toBe(0);
    expect(at).toBeGreaterThanOrEqual(releasedAt);
    expect(worker.logs.map((l) => l.msg)).toContain("worker stopped");
    expect(await producer.counts(SHOP)).toMatchObject({ running: 0, failed: 0, done: 1 });
    expect(await deliveryStatus(id)).toBe("processed");
    expect(await database.db.selectFrom("Order").select("orderId").where("shop", "=", SHOP).execute()).toHaveLength(1);
  });

  it("on a second SIGTERM exits 1 at once, the job in hand left to run again", { timeout: 45_000 }, async () => {
    const worker = spawnWorker(databaseUrl);
    workers.push(worker);
    await worker.waitForLog("worker started");
    const { id, lock } = await deliveryHeldInFlight();
    try {
      await waitFor(async () => (await producer.counts(SHOP)).running === 1, "the worker to take the job");
      worker.child.kill("SIGTERM");
      await worker.waitForLog("worker stopping: finishing the jobs in hand", 5_000);
      worker.child.kill("SIGTERM");
      const { code } = await worker.exited;
      expect(code).toBe(1);
      expect(worker.logs.map((l) => l.msg)).toContain("worker exiting now, on a second signal: the jobs in hand will run again");
      // still held by the dead worker: BullMQ's stall check gives it to another worker once its lock expires
      expect(await producer.counts(SHOP)).toMatchObject({ running: 1, done: 0 });
    } finally {
      await lock.query("COMMIT");
      await lock.end();
    }
    expect(await deliveryStatus(id)).toBe("received");
  });
});
