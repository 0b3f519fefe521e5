import { Session } from "@shopify/shopify-api";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POSTGRES_SWEEP } from "~/.server/container";
import { SILENCE_SWEEP_JOB } from "~/.server/jobs/definitions";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../../scripts/local-services/fake-shopify-admin";
import { graphqlOrder } from "../../fixtures/shopify-admin";
import { fulfillmentPayload, newId } from "../../fixtures/shopify";
import { SHOP_A, SHOP_B } from "../../support/test-app";
import { count, duplicates, startScaledTopology, waitFor, type ScaledTopology } from "./scaled-topology";

const DAY_MS = 86_400_000;
const ADMIN_TOKEN = "shpat_bravo_offline_token";

/**
 * `npm run worker` SIGKILLed in the middle of long work, on the scaled topology (PostgreSQL, BullMQ on a private
 * redis-server, real worker processes): the silence sweep, and a history import from the Shopify Admin stand-in.
 * BullMQ gives the dead worker's job to the next worker once its lock lapses (JOB_LEASE_SECONDS, 2 s here); the
 * work must then finish, and what was done before the kill must not be done twice: one case per shipment, each
 * order, fulfillment and event stored once.
 */
describe("fault: a worker SIGKILLed mid-sweep and mid-import (PostgreSQL + BullMQ + npm run worker)", () => {
  let t: ScaledTopology;
  let admin: FakeShopifyAdmin;
  beforeAll(async () => {
    // a bucket that restores slowly: the import takes a few seconds, long enough to be killed in the middle
    admin = await startFakeShopifyAdmin({ maximumAvailable: 40, restoreRate: 40, costs: { details: 20, bulk: 10, poll: 1 } });
    t = await startScaledTopology("shipwatch_fault_kill", { workerEnv: { SHOPIFY_ADMIN_API_BASE: admin.url, BACKFILL_POLL_SECONDS: "1", RECONCILE_INTERVAL_MINUTES: "0" } });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await admin?.close();
  }, 60_000);

  it("the sweep killed half-way is finished by the next worker: each due shipment gets exactly one case", { timeout: 120_000 }, async () => {
    // the sweep evaluates them POSTGRES_SWEEP.batch to a batch, two batches at once: the second batch is held on a row
    // lock while the first commits, then the worker is killed
    const BATCH = POSTGRES_SWEEP.batch;
    const SHIPMENTS = BATCH + 50;
    // seeded through the pipeline by workers whose grace (a day) judges no silence yet
    const seeders = await Promise.all([1, 2].map(() => t.spawnWorker({ SILENCE_GRACE_MINUTES: "1440", WORKER_CONCURRENCY: "8" })));
    for (let i = 0; i < SHIPMENTS; i++) {
      const tracking = `1Z999AA1${String(7_000_000_000 + i)}`;
      const response = await t.app.sendWebhook("fulfillments/create", fulfillmentPayload(newId(), { name: `#${5000 + i}.1`, tracking_number: tracking, tracking_numbers: [tracking] }), { shop: SHOP_A });
      expect(response.status).toBe(200);
    }
    await waitFor(async () => (await count(t, "WebhookDelivery", `shop = $1 AND status = 'processed'`, [SHOP_A])) === SHIPMENTS, "the shipments seeded", 90_000);
    await t.app.container.queue.idle(60_000);
    for (const seeder of seeders) seeder.signal("SIGTERM");
    for (const seeder of seeders) expect((await seeder.exited).code).toBe(0);
    expect(await count(t, "Shipment", `shop = $1`, [SHOP_A])).toBe(SHIPMENTS);
    expect(await count(t, "ExceptionCase", `shop = $1`, [SHOP_A])).toBe(0);

    // all due now, in id order: a row lock on one of the second batch holds it
    await t.sql(`UPDATE "Shipment" s SET "nextCheckAt" = r.at FROM (SELECT id, $2::bigint + row_number() OVER (ORDER BY id) AS at FROM "Shipment" WHERE shop = $1) r WHERE s.id = r.id`, [SHOP_A, Date.now() - 60_000]);
    const held = (await t.sql(`SELECT id FROM "Shipment" WHERE shop = $1 ORDER BY id OFFSET ${BATCH + 10} LIMIT 1`, [SHOP_A])).rows[0] as { id: number };
    const lock = new pg.Client({ connectionString: t.databaseUrl });
    await lock.connect();
    await lock.query("BEGIN");
    await lock.query(`SELECT id FROM "Shipment" WHERE id = $1 FOR UPDATE`, [held.id]);

    const first = await t.spawnWorker();
    let openedBeforeKill = 0;
    try {
      await t.app.container.queue.enqueueOnce({ name: SILENCE_SWEEP_JOB, shop: "*", payload: {} });
      // the first batch's cases are written; the second batch waits on the lock
      await waitFor(async () => (openedBeforeKill = await count(t, "ExceptionCase", `shop = $1`, [SHOP_A])) >= BATCH, "the first batch's cases");
      await waitFor(async () => (await waitingOnLocks()) > 0, "the sweep to wait on the held shipment");
      first.kill();
      await first.exited;
      openedBeforeKill = await count(t, "ExceptionCase", `shop = $1`, [SHOP_A]);
    } finally {
      await lock.query("ROLLBACK");
      await lock.end();
    }
    expect(openedBeforeKill).toBeGreaterThanOrEqual(BATCH);
    expect(openedBeforeKill).toBeLessThan(SHIPMENTS);

    // the next worker takes the dead one's sweep over (or a sweep of its own): the rest are judged
    const second = await t.spawnWorker();
    await waitFor(
      async () => (await count(t, "Shipment", `shop = $1 AND "nextCheckAt" <= $2`, [SHOP_A, Date.now()])) === 0 && (await count(t, "ExceptionCase", `shop = $1`, [SHOP_A])) >= SHIPMENTS,
      async () => `every shipment judged (${await count(t, "ExceptionCase", `shop = $1`, [SHOP_A])} cases)`,
      60_000,
    );
    await t.app.container.queue.idle(60_000);
    expect(second.child.exitCode).toBeNull();

    // from the database: one open case per shipment, none twice
    expect(await count(t, "ExceptionCase", `shop = $1`, [SHOP_A])).toBe(SHIPMENTS);
    expect(await count(t, "ExceptionCase", `shop = $1 AND status = 'open'`, [SHOP_A])).toBe(SHIPMENTS);
    expect(await duplicates(t, "ExceptionCase", ["shop", "shipmentId"])).toBe(0);
    const uncovered = await count(t, "Shipment", `shop = $1 AND id NOT IN (SELECT "shipmentId" FROM "ExceptionCase" WHERE shop = $1 AND status = 'open' AND "shipmentId" IS NOT NULL)`, [SHOP_A]);
    expect(uncovered).toBe(0);
  });

  /** backends of the test's database waiting on a lock */
  async function waitingOnLocks(): Promise<number> {
    const { rows } = await t.sql(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    return (rows[0] as { n: number }).n;
  }

  it("the history import killed half-way is finished by the next worker: each order, fulfillment and event stored once", { timeout: 120_000 }, async () => {
    const ORDERS = 150;
    const now = Date.now();
    const iso = (at: number) => new Date(at).toISOString();
    admin.addShop(SHOP_B, ADMIN_TOKEN);
    admin.setOrders(
      SHOP_B,
      Array.from({ length: ORDERS }, (_, i) => {
        const created = now - 20 * DAY_MS + i * 60_000;
        return graphqlOrder({
          orderId: newId(),
          name: `#${6000 + i}`,
          createdAt: iso(created),
          fulfillmentId: newId(),
          shippedAt: iso(created + 3_600_000),
          company: "UPS",
          tracking: `1Z999AA1${String(8_000_000_000 + i)}`,
          displayStatus: "DELIVERED",
          events: [
            { id: newId(), status: "in_transit", message: "Departed from Facility", happenedAt: iso(created + DAY_MS), city: "Mississauga" },
            { id: newId(), status: "delivered", message: "Delivered - Front Door", happenedAt: iso(created + 3 * DAY_MS), city: "Ottawa" },
          ],
        });
      }),
    );
    // the stand-in knows the shop by its offline token, as Shopify does
    await t.app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${SHOP_B}`, shop: SHOP_B, state: "test", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: ADMIN_TOKEN }));

    const first = await t.spawnWorker();
    const started = await t.app.container.services.backfill.start(SHOP_B, { days: 60, trigger: "manual" });
    if (!started.ok) throw new Error(`not started: ${started.reason}`);
    const run = async () => (await t.sql(`SELECT * FROM "BackfillRun" WHERE id = $1`, [started.run.id])).rows[0] as Record<string, unknown>;
    // killed once part of the file is imported (and checkpointed), well before the end
    await waitFor(async () => {
      const r = await run();
      return r.status === "importing" && Number(r.ordersImported) >= 25;
    }, async () => `the import under way (${JSON.stringify(await run())})`);
    first.kill();
    await first.exited;
    const atKill = await run();
    expect(atKill.status).toBe("importing");
    expect(Number(atKill.ordersImported)).toBeLessThan(ORDERS);
    const ordersAtKill = await count(t, "Order", `shop = $1`, [SHOP_B]);
    expect(ordersAtKill).toBeLessThan(ORDERS);

    const second = await t.spawnWorker();
    await waitFor(async () => ["done", "failed"].includes(String((await run()).status)), async () => `the import to finish (${JSON.stringify(await run())})`, 90_000);
    expect(second.child.exitCode).toBeNull();
    expect(await run()).toMatchObject({
      status: "done",
      error: null,
      ordersSeen: ORDERS,
      ordersImported: ORDERS,
      fulfillmentsSeen: ORDERS,
      fulfillmentsImported: ORDERS,
      eventsSeen: 2 * ORDERS,
      eventsImported: 2 * ORDERS,
    });

    // from the database: each order, fulfillment, shipment and event once
    expect(await count(t, "Order", `shop = $1`, [SHOP_B])).toBe(ORDERS);
    expect(await count(t, "Fulfillment", `shop = $1`, [SHOP_B])).toBe(ORDERS);
    expect(await count(t, "Shipment", `shop = $1`, [SHOP_B])).toBe(ORDERS);
    expect(await count(t, "Shipment", `shop = $1 AND status = 'delivered'`, [SHOP_B])).toBe(ORDERS);
    expect(await count(t, "ShipmentEvent", `shop = $1`, [SHOP_B])).toBe(2 * ORDERS);
    expect(await duplicates(t, "Order", ["shop", "orderId"])).toBe(0);
    expect(await duplicates(t, "Fulfillment", ["shop", "fulfillmentId"])).toBe(0);
    expect(await duplicates(t, "ShipmentEvent", ["shop", "eventKey"])).toBe(0);
    // history is told to no one, the part imported twice included
    expect(await count(t, "Notification", `shop = $1 AND status <> 'suppressed'`, [SHOP_B])).toBe(0);
  });
});
