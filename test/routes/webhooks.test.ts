import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

describe("POST /webhooks (contract)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  const deliveries = () => app.db.selectFrom("WebhookDelivery").selectAll().execute();

  it("GIVEN a correctly signed delivery WHEN posted THEN it answers 200 once stored and processes it in the background", async () => {
    const order = orderPayload({ name: "#2001" });
    const res = await app.sendWebhook("orders/create", order, { webhookId: "wh-stored-1" });
    expect(res.status).toBe(200);
    const stored = await app.db.selectFrom("WebhookDelivery").selectAll().where("webhookId", "=", "wh-stored-1").executeTakeFirstOrThrow();
    expect(stored).toMatchObject({ shop: SHOP_A, topic: "orders/create", apiVersion: "2026-07" });
    expect(JSON.parse(stored.body)).toEqual(order);
    await app.settle();
    const saved = await app.db.selectFrom("Order").selectAll().where("name", "=", "#2001").execute();
    expect(saved).toHaveLength(1);
    expect((await app.db.selectFrom("WebhookDelivery").select("status").where("webhookId", "=", "wh-stored-1").executeTakeFirstOrThrow()).status).toBe("processed");
  });

  it("GIVEN a duplicate X-Shopify-Webhook-Id WHEN posted again THEN it answers 200 and is processed once", async () => {
    const orderId = newId();
    const f = fulfillmentPayload(orderId, { tracking_number: "1Z999AA10123456784", name: "#2002.1" });
    const event = fulfillmentEventPayload(f.id, orderId, { status: "in_transit" });
    await app.sendWebhook("fulfillments/create", f);
    const first = await app.sendWebhook("fulfillment_events/create", event, { webhookId: "wh-dup" });
    const second = await app.sendWebhook("fulfillment_events/create", event, { webhookId: "wh-dup" });
    expect([first.status, second.status]).toEqual([200, 200]);
    await app.settle();
    expect((await deliveries()).filter((d) => d.webhookId === "wh-dup")).toHaveLength(1);
    const jobs = await app.db.selectFrom("Job").select("payload").where("name", "=", "process-delivery").execute();
    const dupId = (await deliveries()).find((d) => d.webhookId === "wh-dup")!.id;
    expect(jobs.filter((j) => JSON.parse(j.payload).deliveryId === dupId)).toHaveLength(1);
    expect(await app.db.selectFrom("ShipmentEvent").selectAll().where("eventKey", "=", `fe:${event.id}`).execute()).toHaveLength(1);
  });

  it("GIVEN a forged or missing HMAC WHEN posted THEN 401 and nothing is stored", async () => {
    const before = (await deliveries()).length;
    const forged = await app.sendWebhook("orders/create", orderPayload(), { secret: "not-the-app-secret" });
    const missing = await fetch(`${app.url}/webhooks`, {
      method: "POST",
      headers: { "x-shopify-topic": "orders/create", "x-shopify-shop-domain": SHOP_A, "x-shopify-webhook-id": "x" },
      body: "{}",
    });
    const tampered = await app.sendWebhook("orders/create", orderPayload(), {
      rawBody: JSON.stringify(orderPayload({ total_price: "1.00" })),
      headers: { "x-shopify-hmac-sha256": "bm90IGEgcmVhbCBzaWduYXR1cmUgYXQgYWxsLCBub3Bl" },
    });
    expect([forged.status, missing.status, tampered.status]).toEqual([401, 401, 401]);
    expect((await deliveries()).length).toBe(before);
  });

  it("GIVEN a non-POST method THEN 405", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const res = await fetch(`${app.url}/webhooks`, { method });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
  });

  it("GIVEN a body over 1 MiB THEN 413 and nothing is stored, whether or not Content-Length says so", async () => {
    const before = (await deliveries()).length;
    const big = JSON.stringify({ padding: "x".repeat(1024 * 1024 + 10) });
    const declared = await app.sendWebhook("orders/create", null, { rawBody: big });
    expect(declared.status).toBe(413);
    // chunked upload: no Content-Length, so the limit is enforced while reading
    const stream = new ReadableStream({
      start(controller) {
        const chunk = new TextEncoder().encode("y".repeat(64 * 1024));
        for (let i = 0; i < 20; i++) controller.enqueue(chunk);
        controller.close();
      },
    });
    const chunked = await fetch(`${app.url}/webhooks`, {
      method: "POST",
      headers: { "x-shopify-topic": "orders/create", "x-shopify-shop-domain": SHOP_A, "x-shopify-webhook-id": "big", "x-shopify-hmac-sha256": "x" },
      body: stream,
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    expect((await deliveries()).length).toBe(before);
  });

  it("GIVEN a signed body that is not JSON, or not the topic's shape THEN 200, stored, and parked as failed for replay", async () => {
    const notJson = await app.sendWebhook("orders/create", null, { rawBody: "{not json", webhookId: "wh-garbage" });
    const wrongShape = await app.sendWebhook("fulfillments/create", { id: "abc", hello: "world" }, { webhookId: "wh-shape" });
    expect([notJson.status, wrongShape.status]).toEqual([200, 200]);
    await app.settle();
    const parked = await app.db.selectFrom("WebhookDelivery").selectAll().where("webhookId", "in", ["wh-garbage", "wh-shape"]).execute();
    expect(parked.map((d) => d.status)).toEqual(["failed", "failed"]);
    expect(parked[0]!.error).toMatch(/not JSON/);
    expect(parked[1]!.error).toMatch(/order_id/);
    expect(parked[0]!.body).toBe("{not json");
    const failedJobs = await app.container.queue.listParked({ shop: SHOP_A });
    expect(failedJobs.map((j) => (j.payload as { deliveryId: number }).deliveryId).sort()).toEqual(parked.map((d) => d.id).sort());
  });

  it("GIVEN a parked delivery WHEN the operator replays it after a fix THEN it is processed", async () => {
    // the body is valid now (as if the parser had been fixed): re-store it under the same delivery row
    const row = await app.db.selectFrom("WebhookDelivery").select(["id"]).where("webhookId", "=", "wh-garbage").executeTakeFirstOrThrow();
    await app.db.updateTable("WebhookDelivery").set({ body: JSON.stringify(orderPayload({ name: "#2099" })) }).where("id", "=", row.id).execute();
    expect(await app.container.replayFailedDeliveries(SHOP_A, [row.id])).toBe(1);
    await app.settle();
    expect((await app.db.selectFrom("WebhookDelivery").select("status").where("id", "=", row.id).executeTakeFirstOrThrow()).status).toBe("processed");
    expect(await app.db.selectFrom("Order").select("name").where("name", "=", "#2099").execute()).toHaveLength(1);
  });

  it("GIVEN missing Shopify headers or a shop that is not a myshopify domain THEN 400 and nothing is stored", async () => {
    const before = (await deliveries()).length;
    const noTopic = await app.sendWebhook("orders/create", orderPayload(), { headers: { "x-shopify-topic": "" } });
    const badShop = await app.sendWebhook("orders/create", orderPayload(), { shop: "evil.example.com" });
    expect([noTopic.status, badShop.status]).toEqual([400, 400]);
    expect(await noTopic.json()).toMatchObject({ error: "bad_request", message: expect.stringMatching(/X-Shopify-Topic/) });
    expect((await deliveries()).length).toBe(before);
  });

  it("GIVEN a delivery for a shop that is not installed THEN it is stored, answered 200, and ignored", async () => {
    const res = await app.sendWebhook("orders/create", orderPayload({ name: "#7777" }), { shop: "never-installed.myshopify.com", webhookId: "wh-stranger" });
    expect(res.status).toBe(200);
    await app.settle();
    const row = await app.db.selectFrom("WebhookDelivery").selectAll().where("webhookId", "=", "wh-stranger").executeTakeFirstOrThrow();
    expect(row.status).toBe("ignored");
    expect(await app.db.selectFrom("Order").select("name").where("name", "=", "#7777").execute()).toHaveLength(0);
  });
});
