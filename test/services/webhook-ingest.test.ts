import { describe, expect, it } from "vitest";
import { PROCESS_DELIVERY_JOB } from "~/.server/ports";
import { createWebhookIngest, type WebhookHeaders } from "~/.server/services/webhook-ingest";
import { signWebhook, webhookVerifier } from "~/.server/shopify/signatures";
import { fixedClock } from "~/domain/clock";
import { createFakeStorage } from "./fakes/storage";

/**
 * Webhook ingest over an in-memory delivery store, with the real signature check: what is stored (the
 * delivery with its processing job, or nothing) and what the route is told. The HTTP answers themselves
 * are test/routes/webhooks.test.ts's.
 */
const SECRET = "shpss_test_secret";
const NOW = Date.parse("2026-11-16T15:00:00Z");
const SHOP = "alpha-goods.myshopify.com";
const BODY = JSON.stringify({ id: 5_600_000_000_001, name: "#1001", email: "pat@example.com" });

function ingestOverFakes() {
  const storage = createFakeStorage();
  let woken = 0;
  const ingest = createWebhookIngest({ store: storage.deliveryStore, verify: webhookVerifier([SECRET]), clock: fixedClock(NOW), onStored: () => void woken++ });
  return { ingest, storage, woken: () => woken };
}

function headers(body: string, overrides: Partial<WebhookHeaders> = {}): WebhookHeaders {
  return {
    topic: "orders/create",
    hmac: signWebhook(body, SECRET),
    shop: SHOP,
    webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
    eventId: "98880550-7158-44b4-b7cc-ab4d3ef2a7a6",
    triggeredAt: "2026-11-16T14:59:58.123Z",
    apiVersion: "2026-07",
    ...overrides,
  };
}

describe("webhook ingest (in-memory delivery store)", () => {
  it("a signed delivery is stored with its processing job, exactly as received, and the worker is woken", async () => {
    const { ingest, storage, woken } = ingestOverFakes();
    const outcome = await ingest(Buffer.from(BODY), headers(BODY));
    expect(outcome).toMatchObject({ outcome: "stored" });
    const id = (outcome as { deliveryId: number }).deliveryId;
    expect(storage.tables.deliveries()).toEqual([
      {
        id,
        status: "received",
        shop: SHOP,
        topic: "orders/create",
        webhookId: "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        eventId: "98880550-7158-44b4-b7cc-ab4d3ef2a7a6",
        triggeredAt: Date.parse("2026-11-16T14:59:58.123Z"),
        apiVersion: "2026-07",
        body: BODY,
        receivedAt: NOW,
      },
    ]);
    expect(storage.tables.jobs()).toEqual([{ shop: SHOP, name: PROCESS_DELIVERY_JOB, payload: { deliveryId: id }, runAt: NOW }]);
    expect(woken()).toBe(1);
  });

  it("the same webhook id again is a duplicate: nothing more is stored and nobody is woken", async () => {
    const { ingest, storage, woken } = ingestOverFakes();
    await ingest(Buffer.from(BODY), headers(BODY));
    const retried = JSON.stringify({ id: 5_600_000_000_001, name: "#1001", note: "Shopify's retry" });
    expect(await ingest(Buffer.from(retried), headers(retried))).toEqual({ outcome: "duplicate" });
    expect(storage.tables.deliveries()).toHaveLength(1);
    expect(storage.tables.jobs()).toHaveLength(1);
    expect(woken()).toBe(1);
  });

  it("a bad, missing or other app's signature is unauthorized and stores nothing", async () => {
    const { ingest, storage } = ingestOverFakes();
    const tampered = BODY.replace("#1001", "#1002");
    expect(await ingest(Buffer.from(tampered), headers(BODY))).toEqual({ outcome: "unauthorized" });
    expect(await ingest(Buffer.from(BODY), headers(BODY, { hmac: null }))).toEqual({ outcome: "unauthorized" });
    expect(await ingest(Buffer.from(BODY), headers(BODY, { hmac: signWebhook(BODY, "another-apps-secret") }))).toEqual({ outcome: "unauthorized" });
    expect(await ingest(Buffer.from(BODY), headers(BODY, { hmac: "not base64 at all" }))).toEqual({ outcome: "unauthorized" });
    expect(storage.tables.deliveries()).toEqual([]);
  });

  it("a signed delivery without its topic, shop or webhook id is invalid, says which, and stores nothing", async () => {
    const { ingest, storage } = ingestOverFakes();
    expect(await ingest(Buffer.from(BODY), headers(BODY, { topic: null, webhookId: "" }))).toEqual({
      outcome: "invalid",
      message: "missing header(s): X-Shopify-Topic, X-Shopify-Webhook-Id",
    });
    expect(await ingest(Buffer.from(BODY), headers(BODY, { shop: null }))).toEqual({ outcome: "invalid", message: "missing header(s): X-Shopify-Shop-Domain" });
    expect(await ingest(Buffer.from(BODY), headers(BODY, { shop: "alpha-goods.example.com" }))).toEqual({
      outcome: "invalid",
      message: "X-Shopify-Shop-Domain is not a myshopify.com domain",
    });
    expect(storage.tables.deliveries()).toEqual([]);
  });

  it("the shop domain is stored in lower case, so one shop is one shop however Shopify spells the header", async () => {
    const { ingest, storage } = ingestOverFakes();
    await ingest(Buffer.from(BODY), headers(BODY, { shop: "Alpha-Goods.MyShopify.com" }));
    expect(storage.tables.deliveries().map((d) => d.shop)).toEqual([SHOP]);
    expect(storage.tables.jobs().map((j) => j.shop)).toEqual([SHOP]);
  });

  it("a signed body that will not parse is still stored (the worker parks it for replay)", async () => {
    const { ingest, storage } = ingestOverFakes();
    const garbled = '{"id": 5600000000001, "name": "#10';
    expect(await ingest(Buffer.from(garbled), headers(garbled, { webhookId: "w-garbled" }))).toMatchObject({ outcome: "stored" });
    expect(storage.tables.deliveries().map((d) => d.body)).toEqual([garbled]);
  });

  it("a trigger time that is not a date is stored as unknown rather than refusing the delivery", async () => {
    const { ingest, storage } = ingestOverFakes();
    await ingest(Buffer.from(BODY), headers(BODY, { triggeredAt: "yesterday-ish" }));
    await ingest(Buffer.from(BODY), headers(BODY, { webhookId: "w-2", triggeredAt: null, eventId: null, apiVersion: null }));
    expect(storage.tables.deliveries().map((d) => [d.triggeredAt, d.eventId, d.apiVersion])).toEqual([
      [null, "98880550-7158-44b4-b7cc-ab4d3ef2a7a6", "2026-07"],
      [null, null, null],
    ]);
  });
});
