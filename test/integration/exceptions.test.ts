import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { DEFAULT_RULES } from "~/domain/rules";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Owned, explained cases from real webhooks, with the clock held still: silence found by the sweep (and
 * not over a weekend), cases closing themselves when the parcel moves again, and never two open cases of
 * one type for one shipment however often or concurrently the shipment is evaluated.
 */
describe("exception cases (integration, real SQLite)", () => {
  // Monday 16 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-16T15:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  const casesOf = (shop = SHOP_A) =>
    app.db.selectFrom("ExceptionCase").select(["id", "type", "owner", "priority", "status", "shipmentKey", "ruleName", "reason", "resolution", "resolvedBy"]).where("shop", "=", shop).orderBy("id").execute();

  async function ship(name: string, tracking: string, events: { status: string; message: string; happened_at: string }[], shop = SHOP_A) {
    const order = orderPayload({ id: newId(), name, created_at: "2026-11-12T09:00:00-05:00", updated_at: "2026-11-12T09:00:00-05:00" });
    const f = fulfillmentPayload(order.id, { name: `${name}.1`, tracking_company: "Canada Post", tracking_number: tracking, tracking_numbers: [tracking], tracking_urls: [], created_at: "2026-11-12T14:00:00-05:00", updated_at: "2026-11-12T14:00:00-05:00" });
    // the history is replayed after the fact: its events go first (they wait for their fulfillment), so
    // the first evaluation sees the whole story rather than "label created, never scanned"
    await app.sendWebhook("orders/create", order, { shop });
    for (const e of events) await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, e), { shop });
    await app.settle();
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    return { order, fulfillment: f };
  }

  it("a carrier problem opens an owned, explained case as soon as it arrives", async () => {
    await ship("#7001", "7316213581064537", [
      { status: "in_transit", message: "Item processed", happened_at: "2026-11-13T10:00:00-05:00" },
      { status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-16T09:30:00-05:00" },
    ]);
    const cases = await casesOf();
    expect(cases.map((x) => x.type)).toEqual(["address_issue"]);
    const [c] = cases;
    expect(c).toMatchObject({ type: "address_issue", owner: "support", priority: "urgent", status: "open", shipmentKey: "7316213581064537", ruleName: "Address problem" });
    expect(c!.reason).toBe("Address problem: reason address_issue (Address problem)");
    const activity = await app.db.selectFrom("CaseActivity").select(["kind", "actor"]).where("caseId", "=", c!.id).execute();
    expect(activity).toEqual([{ kind: "opened", actor: "shipwatch" }]);
  });

  it("silence over a weekend is not 'stalled'; the sweep finds it once 48 business hours have passed; a new scan resolves it", async () => {
    // last scan Friday 20 November 18:00 New York
    clock.set("2026-11-21T01:00:00Z");
    const { order, fulfillment } = await ship("#7002", "7316213581064545", [
      { status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" },
    ]);
    const stalledCases = async () => (await casesOf()).filter((c) => c.shipmentKey === "7316213581064545" && c.type === "stalled");
    // Monday 23 November 10:00: 16 business hours (Canada Post does not scan on weekends)
    clock.set("2026-11-23T15:00:00Z");
    await app.container.services.desk.sweep();
    expect(await stalledCases()).toEqual([]);
    // Wednesday 25 November 19:00: 48 business hours have passed since Friday 18:00
    clock.set("2026-11-26T00:00:00Z");
    await app.container.services.desk.sweep();
    expect((await stalledCases()).map((c) => [c.type, c.status])).toEqual([["stalled", "open"]]);
    // the parcel moves again: the case closes itself, and says why
    clock.set("2026-11-26T13:00:00Z");
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(fulfillment.id, order.id, { status: "in_transit", message: "Item processed", happened_at: "2026-11-26T07:40:00-05:00" }));
    await app.settle();
    const [resolved] = await stalledCases();
    expect(resolved).toMatchObject({ type: "stalled", status: "resolved", resolution: "waited", resolvedBy: "shipwatch" });
    const last = await app.db.selectFrom("CaseActivity").select(["kind", "detail"]).where("caseId", "=", resolved!.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(last).toEqual({ kind: "auto_resolved", detail: "Resolved by itself: the carrier scanned the parcel again." });
  });

  it("while the shop's webhooks wait in a backlog longer than the grace, silence is not judged; once caught up, it is", async () => {
    // last scan Friday 20 November 18:00 New York, judged on Wednesday 25 November 19:00 (48 business hours on)
    clock.set("2026-11-21T01:00:00Z");
    await ship("#7010", "7316213581064610", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }]);
    clock.set("2026-11-26T00:00:00Z");
    const stalled = async () => (await casesOf()).filter((c) => c.shipmentKey === "7316213581064610" && c.type === "stalled");
    // a delivery of this shop received 30 minutes ago still waits (a worker was down, a history is being replayed):
    // the scan it may carry is not known yet, so the parcel is not called stalled
    const waiting = await app.db
      .insertInto("WebhookDelivery")
      .values({ shop: SHOP_A, topic: "fulfillment_events/create", webhookId: `backlog-${newId()}`, body: "{}", receivedAt: clock.now() - 30 * 60_000, status: "received" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await app.container.services.desk.sweep();
    expect(await stalled()).toEqual([]);
    // another shop's backlog is not this shop's: bravo's parcel, as silent, is judged
    await ship("#7011", "7316213581064628", [{ status: "in_transit", message: "Item in transit", happened_at: "2026-11-20T18:00:00-05:00" }], SHOP_B);
    await app.container.services.desk.sweep();
    expect((await casesOf(SHOP_B)).filter((c) => c.shipmentKey === "7316213581064628").map((c) => c.type)).toContain("stalled");
    // the backlog drains: the parcel is looked at again within minutes, and now it is stalled
    await app.db.updateTable("WebhookDelivery").set({ status: "processed", processedAt: clock.now() }).where("id", "=", waiting.id).execute();
    const next = await app.db.selectFrom("Shipment").select("nextCheckAt").where("shop", "=", SHOP_A).where("shipmentKey", "=", "7316213581064610").executeTakeFirstOrThrow();
    expect(next.nextCheckAt! - clock.now()).toBeLessThanOrEqual(15 * 60_000);
    clock.set(next.nextCheckAt!);
    await app.container.services.desk.sweep();
    expect((await stalled()).map((c) => c.status)).toEqual(["open"]);
  });

  it("the sweep evaluates only what is due: a shipment's next check is stored and moves forward", async () => {
    const row = await app.db.selectFrom("Shipment").select(["id", "nextCheckAt"]).where("shipmentKey", "=", "7316213581064545").executeTakeFirstOrThrow();
    expect(row.nextCheckAt).toBeGreaterThan(clock.now());
    const delivered = await ship("#7003", "7316213581064552", [{ status: "delivered", message: "Delivered", happened_at: "2026-11-25T12:00:00-05:00" }]);
    const deliveredRow = await app.db.selectFrom("Shipment").select("nextCheckAt").where("orderId", "=", String(delivered.order.id)).executeTakeFirstOrThrow();
    expect(deliveredRow.nextCheckAt).toBeNull();
    expect(await app.container.services.desk.sweep()).toEqual({ evaluated: 0, parked: [] });
  });

  it("repeated and concurrent evaluation never opens a second case of a type for a shipment", async () => {
    await ship("#7004", "7316213581064560", [{ status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T06:00:00-05:00" }]);
    const shipment = await app.db.selectFrom("Shipment").select("id").where("shipmentKey", "=", "7316213581064560").executeTakeFirstOrThrow();
    const desk = app.container.services.desk;
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 8 }, () => desk.evaluateShipment(SHOP_A, shipment.id)));
    }
    // damaged now, and late against the default 5-business-day promise: one open case of each, never two
    const open = (await casesOf()).filter((c) => c.shipmentKey === "7316213581064560" && c.status === "open");
    expect(open.map((c) => c.type).sort()).toEqual(["damaged", "late"]);
  });

  it("a person resolves a case with a code; the audit trail keeps who did what; the same problem later opens a new case", async () => {
    const [damaged] = (await casesOf()).filter((c) => c.type === "damaged");
    const desk = app.container.services.desk;
    expect(await desk.assign(SHOP_A, damaged!.id, "ana@alpha-goods.test", "ana@alpha-goods.test")).toEqual({ ok: true, status: "open" });
    expect(await desk.addNote(SHOP_A, damaged!.id, "Customer sent photos; reshipping.", "ana@alpha-goods.test")).toEqual({ ok: true, status: "open" });
    expect(await desk.resolve(SHOP_A, damaged!.id, "reshipped", "ana@alpha-goods.test")).toEqual({ ok: true, status: "resolved" });
    expect(await desk.resolve(SHOP_A, damaged!.id, "refunded", "someone.else")).toEqual({ ok: false, reason: "already_resolved" });
    const trail = await app.db.selectFrom("CaseActivity").select(["kind", "actor", "detail"]).where("caseId", "=", damaged!.id).orderBy("id").execute();
    expect(trail.map((a) => [a.kind, a.actor])).toEqual([
      ["opened", "shipwatch"],
      ["assigned", "ana@alpha-goods.test"],
      ["note", "ana@alpha-goods.test"],
      ["resolved", "ana@alpha-goods.test"],
    ]);
    // still damaged per the carrier: a fresh evaluation opens a new case, the resolved one stays resolved
    const shipment = await app.db.selectFrom("Shipment").select("id").where("shipmentKey", "=", "7316213581064560").executeTakeFirstOrThrow();
    await desk.evaluateShipment(SHOP_A, shipment.id);
    const all = (await casesOf()).filter((c) => c.type === "damaged");
    expect(all.map((c) => c.status)).toEqual(["resolved", "open"]);
  });

  it("one shop's cases and actions never touch another shop's", async () => {
    await ship("#7001", "7316213581064578", [{ status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-26T08:00:00-05:00" }], SHOP_B);
    const caseB = (await casesOf(SHOP_B)).find((c) => c.type === "address_issue");
    expect(caseB).toMatchObject({ type: "address_issue" });
    const desk = app.container.services.desk;
    // shop A's staff cannot act on shop B's case by guessing its id
    expect(await desk.resolve(SHOP_A, caseB!.id, "false_alarm", "intruder")).toEqual({ ok: false, reason: "not_found" });
    expect(await desk.addNote(SHOP_A, caseB!.id, "hi", "intruder")).toEqual({ ok: false, reason: "not_found" });
    expect(await desk.assign(SHOP_A, caseB!.id, "intruder", "intruder")).toEqual({ ok: false, reason: "not_found" });
    expect((await casesOf(SHOP_B))[0]).toMatchObject({ status: "open" });
    expect((await casesOf(SHOP_A)).some((c) => c.id === caseB!.id)).toBe(false);
  });
});

describe("snoozed cases", () => {
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  it("a snoozed case goes back to the queue when its time comes", async () => {
    const order = orderPayload({ id: newId(), name: "#7101" });
    const f = fulfillmentPayload(order.id, { name: "#7101.1" });
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T08:00:00-05:00" }));
    await app.sendWebhook("fulfillments/create", f);
    await app.settle();
    const c = await app.db.selectFrom("ExceptionCase").select(["id"]).where("shop", "=", SHOP_A).where("type", "=", "damaged").executeTakeFirstOrThrow();
    const { desk, sweep } = app.container.services;
    expect(await desk.snooze(SHOP_A, c.id, clock.now() + 3_600_000, "ana")).toEqual({ ok: true, status: "snoozed" });
    await sweep.run(500);
    const status = () => app.db.selectFrom("ExceptionCase").select(["status", "snoozedUntil"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(await status()).toMatchObject({ status: "snoozed" });
    clock.advance(3_600_000);
    await sweep.run(500);
    expect(await status()).toEqual({ status: "open", snoozedUntil: null });
    const last = await app.db.selectFrom("CaseActivity").select(["kind", "actor"]).where("caseId", "=", c.id).orderBy("id", "desc").executeTakeFirstOrThrow();
    expect(last).toEqual({ kind: "woken", actor: "shipwatch" });
  });

  it("GIVEN a resolved case THEN it cannot be snoozed: it stays resolved, and no later sweep brings it back to the queue", async () => {
    const order = orderPayload({ id: newId(), name: "#7102" });
    const f = fulfillmentPayload(order.id, { name: "#7102.1" });
    await app.sendWebhook("fulfillments/create", f);
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T09:00:00-05:00" }));
    await app.settle();
    const c = await app.db.selectFrom("ExceptionCase").select(["id"]).where("shop", "=", SHOP_A).where("type", "=", "damaged").where("status", "=", "open").executeTakeFirstOrThrow();
    const { desk, sweep } = app.container.services;
    expect(await desk.resolve(SHOP_A, c.id, "reshipped", "ana")).toEqual({ ok: true, status: "resolved" });
    const activities = async () => (await app.db.selectFrom("CaseActivity").select("kind").where("caseId", "=", c.id).execute()).map((a) => a.kind);
    const before = await activities();

    expect(await desk.snooze(SHOP_A, c.id, clock.now() + 3_600_000, "ana")).toEqual({ ok: false, reason: "already_resolved" });
    const row = () => app.db.selectFrom("ExceptionCase").select(["status", "snoozedUntil"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(await row()).toEqual({ status: "resolved", snoozedUntil: null });
    expect(await activities()).toEqual(before);
    clock.advance(2 * 3_600_000);
    await sweep.run(500);
    expect(await row()).toEqual({ status: "resolved", snoozedUntil: null });
  });

  it("GIVEN two people acting on one case at once THEN the lifecycle decides from the state each saw and the later one is told it changed", async () => {
    const order = orderPayload({ id: newId(), name: "#7103" });
    const f = fulfillmentPayload(order.id, { name: "#7103.1" });
    await app.sendWebhook("fulfillments/create", f);
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T09:30:00-05:00" }));
    await app.settle();
    const c = await app.db.selectFrom("ExceptionCase").select(["id"]).where("shop", "=", SHOP_A).where("type", "=", "damaged").where("status", "=", "open").executeTakeFirstOrThrow();
    const { desk } = app.container.services;
    const [first, second] = await Promise.all([desk.resolve(SHOP_A, c.id, "reshipped", "ana"), desk.resolve(SHOP_A, c.id, "refunded", "ben")]);
    expect([first, second].filter((o) => o.ok)).toHaveLength(1);
    expect([first, second].find((o) => !o.ok)).toMatchObject({ ok: false, reason: expect.stringMatching(/^(changed_meanwhile|already_resolved)$/) });
    const resolvedActivities = await app.db.selectFrom("CaseActivity").select("kind").where("caseId", "=", c.id).where("kind", "=", "resolved").execute();
    expect(resolvedActivities).toHaveLength(1);
    // another shop's case is not found, and nothing changes
    expect(await desk.assign("other-shop.myshopify.com", c.id, "mallory", "mallory")).toEqual({ ok: false, reason: "not_found" });
    expect(await desk.reopen(SHOP_A, c.id, "ana")).toEqual({ ok: true, status: "open" });
    expect(await desk.reopen(SHOP_A, c.id, "ana")).toEqual({ ok: false, reason: "not_resolved" });
  });

  it("GIVEN a snoozed case snoozed again for longer THEN it wakes at the new time, not the old one", async () => {
    const order = orderPayload({ id: newId(), name: "#7104" });
    const f = fulfillmentPayload(order.id, { name: "#7104.1" });
    await app.sendWebhook("fulfillments/create", f);
    await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, { status: "failure", message: "Package damaged in transit", happened_at: "2026-11-26T09:40:00-05:00" }));
    await app.settle();
    // the newest damaged case: this parcel's
    const c = await app.db.selectFrom("ExceptionCase").select(["id"]).where("shop", "=", SHOP_A).where("type", "=", "damaged").orderBy("id", "desc").executeTakeFirstOrThrow();
    const { desk, sweep } = app.container.services;
    const row = () => app.db.selectFrom("ExceptionCase").select(["status", "snoozedUntil"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(await desk.snooze(SHOP_A, c.id, clock.now() + 3_600_000, "ana")).toEqual({ ok: true, status: "snoozed" });
    expect(await desk.snooze(SHOP_A, c.id, clock.now() + 10 * 3_600_000, "ana")).toEqual({ ok: true, status: "snoozed" });
    expect(await row()).toEqual({ status: "snoozed", snoozedUntil: clock.now() + 10 * 3_600_000 });
    clock.advance(2 * 3_600_000);
    await sweep.run(500);
    expect((await row()).status).toBe("snoozed");
  });
});

describe("a new shop's defaults", () => {
  const clock = fixedClock("2026-11-26T15:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  it("GIVEN two first reads of a new shop at once (the admin and the worker) THEN its default rules are installed once", async () => {
    const shop = "brand-new.myshopify.com";
    const { profile } = app.container.services;
    await Promise.all([profile.get(shop), profile.get(shop, true), profile.get(shop, true)]);
    const rules = await app.db.selectFrom("EscalationRule").select("builtIn").where("shop", "=", shop).execute();
    expect(rules).toHaveLength(DEFAULT_RULES.length);
    expect(new Set(rules.map((r) => r.builtIn)).size).toBe(DEFAULT_RULES.length);
    expect((await profile.get(shop, true)).rules).toHaveLength(DEFAULT_RULES.length);
  });
});
