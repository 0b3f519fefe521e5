import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../../fixtures/shopify";
import { SHOP_A, SHOP_B } from "../../support/test-app";
import { count, duplicates, startScaledTopology, waitFor, type ScaledTopology } from "./scaled-topology";

/**
 * Redis restarted mid-run, on the scaled topology (PostgreSQL, BullMQ on a private redis-server without
 * persistence, two real `npm run worker` processes). The ingest commits each delivery with its job to
 * PostgreSQL; the workers relay the jobs into Redis and delete them from the database. A Redis that restarts
 * empty has then lost the jobs it held: the deliveries are stored but nothing would ever process them. The
 * workers notice that Redis came back empty and queue again what the database still owes (one job per
 * delivery, the same job id the relay gives it, so nothing runs twice).
 *
 * To know that jobs really were lost, processing is held by a lock on the Order table while the first batch is
 * relayed into Redis; Redis is killed with those jobs waiting in it.
 */
describe("fault: Redis restarted mid-run (PostgreSQL + BullMQ + npm run worker)", () => {
  let t: ScaledTopology;
  beforeAll(async () => {
    // a delivery left unprocessed is queued again only after a day here: what recovers it is Redis coming back empty
    t = await startScaledTopology("shipwatch_fault_redis", { workerEnv: { STRANDED_DELIVERY_SECONDS: "86400" } });
  }, 90_000);
  afterAll(async () => t?.close(), 60_000);

  const orders = Array.from({ length: 40 }, (_, i) => {
    const order = orderPayload({ id: newId(), name: `#${3000 + i}` });
    const tracking = `1Z999AA1${String(5_000_000_000 + i)}`;
    const fulfillment = fulfillmentPayload(order.id, { name: `#${3000 + i}.1`, tracking_number: tracking, tracking_numbers: [tracking] });
    const scan = fulfillmentEventPayload(fulfillment.id, order.id, { status: "in_transit", happened_at: "2026-11-03T08:00:00-05:00" });
    return { order, fulfillment, scan };
  });

  async function send(topic: string, payload: unknown) {
    const response = await t.app.sendWebhook(topic, payload, { shop: SHOP_A });
    expect(response.status).toBe(200);
  }

  it("every delivery is processed exactly once: the jobs Redis lost are queued again from the database", { timeout: 120_000 }, async () => {
    const workers = [await t.spawnWorker(), await t.spawnWorker()];

    // processing held: orders/create waits on the Order table, the jobs pile up in Redis
    const lock = new pg.Client({ connectionString: t.databaseUrl });
    await lock.connect();
    await lock.query("BEGIN");
    await lock.query(`LOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE`);
    let running = 0;
    try {
      for (const { order } of orders.slice(0, 20)) await send("orders/create", order);
      // relayed: out of the database's outbox, into Redis (some in the workers' hands, the rest waiting)
      await waitFor(async () => (await count(t, "Job")) === 0, "the outbox relayed into Redis");
      await waitFor(async () => {
        const c = await t.app.container.queue.counts(SHOP_A);
        running = c.running;
        return c.queued + c.running === 20 && c.running > 0;
      }, "the 20 jobs in Redis");

      // Redis dies with its jobs; deliveries keep arriving (the ingest needs only PostgreSQL)
      await t.redis.kill();
      for (const { order } of orders.slice(20)) await send("orders/create", order);
      expect(await count(t, "WebhookDelivery")).toBe(40);
    } finally {
      await lock.query("COMMIT");
      await lock.end();
    }
    // the jobs that were in hand finish their work in the database (their end cannot be told to a dead Redis)
    await waitFor(async () => (await count(t, "WebhookDelivery", `status = 'processed'`)) === running, `the ${running} jobs in hand to finish`);
    expect(await count(t, "WebhookDelivery", `status = 'received'`)).toBe(40 - running);

    // Redis comes back on the same port, empty: 20 - running jobs are gone, 20 more were never relayed
    await t.redis.start();
    for (const { fulfillment } of orders) await send("fulfillments/create", fulfillment);
    for (const { scan } of orders) await send("fulfillment_events/create", scan);

    await waitFor(
      async () => (await count(t, "WebhookDelivery", `status = 'processed'`)) === 120,
      async () => `all 120 deliveries processed (${await count(t, "WebhookDelivery", `status = 'processed'`)} are; workers said ${JSON.stringify(workers.flatMap((w) => w.logs.filter((l) => (l.level ?? 0) >= 40)).slice(-5))})`,
      90_000,
    );

    // the workers saw it: BullMQ reconnected, Redis was found empty, the lost jobs were queued again
    const said = workers.flatMap((w) => w.logs);
    expect(said.filter((l) => l.msg?.startsWith("redis came back empty"))).toHaveLength(1);
    const requeued = said.filter((l) => l.msg?.startsWith("queued again work the database still owes"));
    expect(requeued.reduce((n, l) => n + Number(l.jobs), 0)).toBeGreaterThanOrEqual(20 - running);
    for (const w of workers) expect(w.child.exitCode).toBeNull();

    // from the database: everything once, nothing twice
    expect(await count(t, "WebhookDelivery")).toBe(120);
    expect(await count(t, "WebhookDelivery", `status <> 'processed' OR attempts <> 1`)).toBe(0);
    expect(await count(t, "Order", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Fulfillment", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Shipment", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Shipment", `shop = $1 AND status = 'in_transit'`, [SHOP_A])).toBe(40);
    expect(await count(t, "ShipmentEvent", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await duplicates(t, "Order", ["shop", "orderId"])).toBe(0);
    expect(await duplicates(t, "Shipment", ["shop", "trackingNumber"])).toBe(0);
    expect(await duplicates(t, "ShipmentEvent", ["shop", "eventKey"])).toBe(0);
    // and BullMQ has nothing left over: nothing due waits, no job failed
    await t.app.container.queue.idle(30_000);
    expect((await t.app.container.queue.counts()).failed).toBe(0);
  });

  it("a delivery whose job Redis lost without a restart (its data wiped under a live connection) is queued again once it is STRANDED_DELIVERY_SECONDS old", { timeout: 120_000 }, async () => {
    for (const w of t.workers.splice(0)) w.kill();
    const worker = await t.spawnWorker({ STRANDED_DELIVERY_SECONDS: "2" });
    const parcels = Array.from({ length: 12 }, (_, i) => orderPayload({ id: newId(), name: `#${3500 + i}` }));
    const lock = new pg.Client({ connectionString: t.databaseUrl });
    await lock.connect();
    await lock.query("BEGIN");
    await lock.query(`LOCK TABLE "Order" IN ACCESS EXCLUSIVE MODE`);
    let running = 0;
    try {
      for (const order of parcels) expect((await t.app.sendWebhook("orders/create", order, { shop: SHOP_B })).status).toBe(200);
      await waitFor(async () => (await count(t, "Job")) === 0, "the outbox relayed into Redis");
      await waitFor(async () => {
        const c = await t.app.container.queue.counts(SHOP_B);
        running = c.running;
        return c.queued + c.running === 12 && c.running > 0;
      }, "the 12 jobs in Redis");
      // everything Redis held is gone; no connection noticed
      const wipe = new Redis(t.redis.url, { maxRetriesPerRequest: 1 });
      await wipe.flushall();
      wipe.disconnect();
    } finally {
      await lock.query("COMMIT");
      await lock.end();
    }
    await waitFor(
      async () => (await count(t, "WebhookDelivery", `shop = $1 AND status = 'processed'`, [SHOP_B])) === 12,
      async () => `all 12 deliveries processed (${await count(t, "WebhookDelivery", `shop = $1 AND status = 'processed'`, [SHOP_B])} are)`,
      60_000,
    );
    const requeued = worker.logs.filter((l) => l.msg?.startsWith("queued again work the database still owes"));
    expect(requeued.every((l) => l.afterDataLoss === false)).toBe(true);
    expect(requeued.reduce((n, l) => n + Number(l.jobs), 0)).toBe(12 - running);
    expect(await count(t, "WebhookDelivery", `shop = $1 AND (status <> 'processed' OR attempts <> 1)`, [SHOP_B])).toBe(0);
    expect(await count(t, "Order", `shop = $1`, [SHOP_B])).toBe(12);
    expect(await duplicates(t, "Order", ["shop", "orderId"])).toBe(0);
  });
});
