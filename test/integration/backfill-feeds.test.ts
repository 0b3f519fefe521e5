import { Session } from "@shopify/shopify-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { startFakeEasyPost, type FakeEasyPost } from "../../scripts/local-services/fake-easypost";
import { startFakeShopifyAdmin, type FakeShopifyAdmin } from "../../scripts/local-services/fake-shopify-admin";
import { graphqlOrder, webhooksOf, type ParcelStory } from "../fixtures/shopify-admin";
import { newId } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

const TOKEN = "shpat_alpha_offline_token";

function story(name: string, company: string, tracking: string, displayStatus: string | null, events: ParcelStory["events"] = []): ParcelStory {
  return { orderId: newId(), name, createdAt: "2026-11-20T14:00:00Z", fulfillmentId: newId(), shippedAt: "2026-11-20T19:00:00Z", company, tracking, displayStatus, events };
}

/**
 * Parcels the Admin API brings in (the history import, reconciliation) on carriers Shopify relays no scans for:
 * with a tracking feed connected, each one still travelling gets a tracker, as a new parcel would, so it does not
 * sit at "label created" for good (and become a false not_picked_up case). A parcel already delivered costs the
 * merchant no tracker.
 */
describe("history import and reconciliation with a tracking feed connected", () => {
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let admin: FakeShopifyAdmin;
  let easypost: FakeEasyPost;
  let app: TestApp;

  beforeAll(async () => {
    admin = await startFakeShopifyAdmin();
    easypost = await startFakeEasyPost({ keys: ["EZAK_alpha", "EZAK_bravo"] });
    app = await startTestApp({ clock, env: { SHOPIFY_ADMIN_API_BASE: admin.url, EASYPOST_API_BASE: easypost.url, BACKFILL_POLL_SECONDS: "1", RECONCILE_INTERVAL_MINUTES: "0" } });
    await app.container.shopify.sessionStorage!.storeSession(new Session({ id: `offline_${SHOP_A}`, shop: SHOP_A, state: "test", isOnline: false, scope: "read_orders,read_fulfillments", accessToken: TOKEN }));
    admin.addShop(SHOP_A, TOKEN);
    for (const [shop, apiKey] of [[SHOP_A, "EZAK_alpha"], [SHOP_B, "EZAK_bravo"]] as const) {
      expect((await app.container.services.feeds.connect(shop, { apiKey })).ok).toBe(true);
    }
  });
  afterAll(async () => {
    await app?.close();
    await easypost?.close();
    await admin?.close();
  });

  async function importHistory(shop: string) {
    const started = await app.container.services.backfill.start(shop, { days: 60, trigger: "manual" });
    if (!started.ok) throw new Error(`not started: ${started.reason}`);
    for (let i = 0; i < 60; i++) {
      app.container.queue.wake?.();
      await app.settle();
      const run = await app.db.selectFrom("BackfillRun").selectAll().where("shop", "=", shop).where("id", "=", started.run.id).executeTakeFirstOrThrow();
      if (run.status === "done" || run.status === "failed") return run;
      clock.advance(1_000);
    }
    throw new Error("the import never finished");
  }
  const registered = () => easypost.calls.filter((c) => c.method === "POST" && c.path === "/v2/trackers").map((c) => ({ key: c.apiKey, tracker: JSON.parse(c.body).tracker }));

  it("registers a tracker for each imported parcel still on its way on a feed-only carrier, and none for one delivered or one Shopify tracks", async () => {
    admin.setOrders(SHOP_A, [
      story("#3001", "OnTrac", "C22222222222226", null),
      story("#3002", "OnTrac", "C33333333333336", "DELIVERED", [{ id: newId(), status: "delivered", message: "Delivered", happenedAt: "2026-11-23T17:00:00Z", city: "Ottawa" }]),
      story("#3003", "UPS", "1Z999AA10123456784", "IN_TRANSIT", [{ id: newId(), status: "in_transit", message: "Departed from Facility", happenedAt: "2026-11-21T07:00:00Z", city: "Mississauga" }]),
    ].map(graphqlOrder));
    expect(await importHistory(SHOP_A)).toMatchObject({ status: "done", fulfillmentsImported: 3 });
    await app.settle();
    expect(registered()).toEqual([{ key: "EZAK_alpha", tracker: { tracking_code: "C22222222222226", carrier: "OnTrac" } }]);
    // shop B, connected to its own EasyPost account, has nothing of A's history and registered nothing
    expect(registered().some((r) => r.key === "EZAK_bravo")).toBe(false);
  });

  it("a new fulfillment that Shopify already calls delivered gets no tracker either", async () => {
    const before = registered().length;
    const delivered = story("#3004", "OnTrac", "D10011234567892", "DELIVERED");
    for (const h of webhooksOf(delivered)) expect((await app.sendWebhook(h.topic, h.payload, { shop: SHOP_B })).status).toBe(200);
    await app.settle();
    const status = await app.db.selectFrom("Shipment").select("status").where("shop", "=", SHOP_B).where("trackingNumber", "=", "D10011234567892").executeTakeFirstOrThrow();
    expect(status.status).toBe("delivered");
    expect(registered().length).toBe(before);
  });

  it("a parcel whose webhooks were lost and that reconciliation finds gets its tracker, once", async () => {
    const before = registered().length;
    // created after the import, its fulfillments/create never arrived; Shopify lists the order as changed
    const lost = { ...story("#3005", "OnTrac", "C44444444444444", null), createdAt: "2026-11-26T15:01:00Z", shippedAt: "2026-11-26T15:02:00Z", updatedAt: "2026-11-26T15:03:00Z" };
    const known = await app.db.selectFrom("Shipment").select("trackingNumber").where("shop", "=", SHOP_A).execute();
    admin.setOrders(SHOP_A, [lost].map(graphqlOrder));
    clock.advance(10 * 60_000);
    const first = await app.container.services.reconciliation.run(SHOP_A);
    expect(first).toMatchObject({ ordersSeen: 1, repaired: 1 });
    await app.settle();
    expect(registered().slice(before)).toEqual([{ key: "EZAK_alpha", tracker: { tracking_code: "C44444444444444", carrier: "OnTrac" } }]);
    // the next run reads the same order again (behind the watermark's overlap): known now, not registered again
    expect(await app.container.services.reconciliation.run(SHOP_A)).toMatchObject({ ordersSeen: 1, repaired: 0 });
    await app.settle();
    expect(registered().length).toBe(before + 1);
    expect(known.length).toBe(3);
  });
});
