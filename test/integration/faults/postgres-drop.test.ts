import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../../fixtures/shopify";
import { SHOP_A } from "../../support/test-app";
import { count, duplicates, startScaledTopology, waitFor, type ScaledTopology } from "./scaled-topology";

/**
 * PostgreSQL drops every connection of the app's database (a failover, a restart, an operator's
 * pg_terminate_backend) while two `npm run worker` processes work a stream of webhook deliveries. The pools open
 * new connections; a job cut off mid-way fails and is retried (handlers are idempotent); the relay reads the
 * outbox again. The final state, read from the database, holds every delivery processed and everything once.
 * The sender retries a delivery the web side could not store (Shopify does, with the same webhook id).
 */
describe("fault: PostgreSQL connections dropped mid-stream (PostgreSQL + BullMQ + npm run worker)", () => {
  let t: ScaledTopology;
  beforeAll(async () => {
    t = await startScaledTopology("shipwatch_fault_pg");
  }, 90_000);
  afterAll(async () => t?.close(), 60_000);

  const dbName = () => new URL(t.databaseUrl).pathname.slice(1);

  /** ends every other connection to the test's database; returns how many were ended */
  async function dropConnections(): Promise<number> {
    const client = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
    await client.connect();
    try {
      const { rows } = await client.query("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [dbName()]);
      return rows.filter((r: { ended: boolean }) => r.ended).length;
    } finally {
      await client.end();
    }
  }

  /** a signed delivery, sent again with the same webhook id until it is stored (a dropped connection answers 500) */
  async function send(topic: string, payload: unknown, retried: { n: number }) {
    const webhookId = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const response = await t.app.sendWebhook(topic, payload, { shop: SHOP_A, webhookId }).catch(() => null);
      if (response?.status === 200) return;
      retried.n += 1;
      if (attempt >= 20) throw new Error(`${topic} not stored after ${attempt} attempts (last: ${response?.status ?? "no answer"})`);
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }

  it("the pools reconnect and every delivery ends processed, nothing stored twice", { timeout: 120_000 }, async () => {
    const workers = [await t.spawnWorker(), await t.spawnWorker()];
    const parcels = Array.from({ length: 40 }, (_, i) => {
      const order = orderPayload({ id: newId(), name: `#${4000 + i}` });
      const tracking = `1Z999AA1${String(6_000_000_000 + i)}`;
      const fulfillment = fulfillmentPayload(order.id, { name: `#${4000 + i}.1`, tracking_number: tracking, tracking_numbers: [tracking] });
      const scans = [
        fulfillmentEventPayload(fulfillment.id, order.id, { status: "in_transit", happened_at: "2026-11-03T08:00:00-05:00" }),
        fulfillmentEventPayload(fulfillment.id, order.id, { status: "out_for_delivery", message: "Out For Delivery Today", happened_at: "2026-11-04T07:00:00-05:00" }),
      ];
      return { order, fulfillment, scans };
    });
    const deliveries = parcels.flatMap((p) => [
      { topic: "orders/create", payload: p.order },
      { topic: "fulfillments/create", payload: p.fulfillment },
      ...p.scans.map((s) => ({ topic: "fulfillment_events/create", payload: s })),
    ]);
    const retried = { n: 0 };
    const ended: number[] = [];
    // connections are dropped twice, a third and two thirds of the way through, while the workers are busy
    for (const [i, d] of deliveries.entries()) {
      if (i === 50 || i === 110) {
        await waitFor(
          async () => (await count(t, "WebhookDelivery", `status = 'processed'`)) >= i - 30,
          async () => `the workers to be at work (${i} sent, ${await count(t, "WebhookDelivery", `status = 'processed'`)} processed; redis ${t.redis.running()} ${await t.app.container.queue.counts().then((c) => JSON.stringify(c), (e: unknown) => String(e))}; ${JSON.stringify(workers.flatMap((w) => w.logs.filter((l) => (l.level ?? 0) >= 30)).slice(-12))})`,
        );
        ended.push(await dropConnections());
      }
      await send(d.topic, d.payload, retried);
    }
    // the workers (two pools each side: the relay's and the jobs') and the web side all had connections to lose
    expect(ended).toHaveLength(2);
    for (const n of ended) expect(n).toBeGreaterThanOrEqual(2);

    await waitFor(
      async () => (await count(t, "WebhookDelivery", `status = 'processed'`)) === 160,
      async () =>
        `all 160 deliveries processed (${await count(t, "WebhookDelivery", `status = 'processed'`)} are; ${JSON.stringify((await t.sql(`SELECT id, topic, status, attempts, error FROM "WebhookDelivery" WHERE status <> 'processed'`)).rows)}; jobs ${JSON.stringify((await t.sql(`SELECT * FROM "Job"`)).rows)}; ${JSON.stringify(await t.app.container.queue.counts())}; ${JSON.stringify(workers.flatMap((w) => w.logs.filter((l) => (l.level ?? 0) >= 40)).slice(-10))})`,
      90_000,
    );
    for (const w of workers) expect(w.child.exitCode).toBeNull();

    // from the database: everything once, nothing twice
    expect(await count(t, "WebhookDelivery")).toBe(160);
    expect(await count(t, "Order", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Fulfillment", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Shipment", `shop = $1`, [SHOP_A])).toBe(40);
    expect(await count(t, "Shipment", `shop = $1 AND status = 'out_for_delivery'`, [SHOP_A])).toBe(40);
    expect(await count(t, "ShipmentEvent", `shop = $1`, [SHOP_A])).toBe(80);
    expect(await duplicates(t, "WebhookDelivery", ["webhookId"])).toBe(0);
    expect(await duplicates(t, "Order", ["shop", "orderId"])).toBe(0);
    expect(await duplicates(t, "Shipment", ["shop", "trackingNumber"])).toBe(0);
    expect(await duplicates(t, "ShipmentEvent", ["shop", "eventKey"])).toBe(0);
    await t.app.container.queue.idle(30_000);
    expect((await t.app.container.queue.counts()).failed).toBe(0);
  });
});
