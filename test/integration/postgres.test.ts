import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentPayload, newId, orderPayload, upsJourney } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The scale-out database: the same migrations, ingest, worker and lookup on a real PostgreSQL
 * (127.0.0.1:5432, trust auth; .ci/run starts it when it is down). A database per run, dropped after.
 */
const ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres";

describe("on PostgreSQL", () => {
  const name = `shipwatch_test_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  let app: TestApp;

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    app = await startTestApp({ env: { DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/${name}` } });
  });
  afterAll(async () => {
    await app?.close();
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("stores, de-duplicates and processes deliveries, and answers lookups scoped to the shop", async () => {
    expect(app.container.database.dialect).toBe("postgres");
    const order = orderPayload({ id: newId(), name: "#5001" });
    const fulfillment = fulfillmentPayload(order.id, { name: "#5001.1" });
    const journey = upsJourney(fulfillment.id, order.id);
    expect((await app.sendWebhook("orders/create", order)).status).toBe(200);
    expect((await app.sendWebhook("fulfillments/create", fulfillment)).status).toBe(200);
    // newest first, then a duplicate: arrival order must not matter here either
    for (const e of [...journey].reverse()) expect((await app.sendWebhook("fulfillment_events/create", e, { webhookId: `pg-${e.id}` })).status).toBe(200);
    expect((await app.sendWebhook("fulfillment_events/create", journey[0], { webhookId: `pg-${journey[0]!.id}` })).status).toBe(200);
    await app.settle();

    const deliveries = await app.db.selectFrom("WebhookDelivery").select(["status"]).execute();
    expect(deliveries).toHaveLength(2 + journey.length);
    expect(new Set(deliveries.map((d) => d.status))).toEqual(new Set(["processed"]));

    const found = await fetch(app.proxyUrl({ order: "#5001", email: "maya.chen@example.com" }));
    expect(found.status).toBe(200);
    const body = await found.json();
    expect(body.shipments[0]).toMatchObject({ status: "delivered", carrier: { code: "ups" } });
    expect(body.shipments[0].events).toHaveLength(journey.length);
    expect((await fetch(app.proxyUrl({ order: "#5001", email: "maya.chen@example.com" }, { shop: SHOP_B }))).status).toBe(404);
    expect(SHOP_A).not.toBe(SHOP_B);
  });
});
