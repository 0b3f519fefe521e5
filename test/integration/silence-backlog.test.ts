import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, startTestApp, type TestApp } from "../support/test-app";

/**
 * Silence is judged on what Shipwatch knows. With the production grace (10 minutes), a queue that is a minute
 * behind is shorter than the grace, yet the parcel's next scan may be in it: judging then calls a moving parcel
 * stalled and lost (and tells its shopper so), only to take it back when the scan is worked. The demo's replay
 * showed it (hundreds of cases opened and resolved within a minute). A backlog of more than a few seconds holds
 * silence, whatever the grace.
 */
describe("silence and a backlog shorter than the grace (integration, real SQLite)", () => {
  const clock = fixedClock("2026-11-21T01:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock, env: { SILENCE_GRACE_MINUTES: "10" } });
  });
  afterAll(async () => app?.close());

  const silenceCases = async (tracking: string) =>
    (await app.db.selectFrom("ExceptionCase").select(["type", "status"]).where("shop", "=", SHOP_A).where("shipmentKey", "=", tracking).execute()).filter((c) =>
      ["stalled", "lost"].includes(c.type),
    );

  it("a delivery waiting a minute holds the judgement; a delivery that just arrived does not; once worked, the parcel is judged", async () => {
    // last scan Friday 20 November 18:00 New York; by Wednesday 25 November 19:00, 48 business hours have passed
    const order = orderPayload({ id: newId(), name: "#8101", created_at: "2026-11-19T09:00:00-05:00", updated_at: "2026-11-19T09:00:00-05:00" });
    const tracking = "7316213581064701";
    const f = fulfillmentPayload(order.id, { name: "#8101.1", tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: "2026-11-19T14:00:00-05:00", updated_at: "2026-11-19T14:00:00-05:00" });
    await app.sendWebhook("orders/create", order);
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }));
    await app.settle();
    await app.sendWebhook("fulfillments/create", f);
    await app.settle();
    clock.set("2026-11-26T00:00:00Z");

    // a delivery of this shop received a minute ago still waits: well inside the 10-minute grace, but the scan it may
    // carry is not known yet
    const waiting = await app.db
      .insertInto("WebhookDelivery")
      .values({ shop: SHOP_A, topic: "fulfillment_events/create", webhookId: `backlog-${newId()}`, body: "{}", receivedAt: clock.now() - 60_000, status: "received" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.container.services.desk.sweep();
    expect(await silenceCases(tracking)).toEqual([]);

    // a delivery that arrived a moment ago is the ordinary flow, not a backlog: it does not hold anything
    await app.db.updateTable("WebhookDelivery").set({ receivedAt: clock.now() - 1_000 }).where("id", "=", waiting.id).execute();
    const next = await app.db.selectFrom("Shipment").select("nextCheckAt").where("shop", "=", SHOP_A).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
    expect(next.nextCheckAt! - clock.now()).toBeLessThanOrEqual(15 * 60_000);
    clock.set(next.nextCheckAt!);
    await app.db.updateTable("WebhookDelivery").set({ receivedAt: clock.now() - 1_000 }).where("id", "=", waiting.id).execute();
    await app.container.services.desk.sweep();
    expect((await silenceCases(tracking)).map((c) => [c.type, c.status])).toContainEqual(["stalled", "open"]);
  });
});
