import fs from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTransitCountRepository } from "~/.server/adapters/transit-counts";
import type { Database } from "~/.server/adapters/db/database";
import { ROLLED_UP } from "~/.server/ports";
import { DEFAULT_RULES } from "~/domain/rules";
import { addBusinessDays, calendarFor, localParts, SHOP_WORKDAYS } from "~/domain/business-time";
import { fixedClock } from "~/domain/clock";
import { histogramKeysOf } from "~/domain/transit-model";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { freshPostgresDatabase } from "../support/postgres";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * Delivery estimates learned from the shop's own deliveries (issue 10, items 1 and 2), through the real app:
 * signed webhooks into a real SQLite database, the worker evaluating, the storefront lookup and the Support API
 * answering over HTTP.
 *
 * Shop A's history: 25 UPS parcels to Ontario that each took 7 business days, 25 to British Columbia that took 2.
 * UPS works Monday to Saturday. The clock stands on Wednesday 4 November 2026, 12:00 in New York; the parcels
 * under test shipped on Monday 2 November at 14:00, and their order's promise (the default five business days)
 * is Monday 9 November.
 */
const NOW = "2026-11-04T17:00:00Z";
const ZONE = "America/New_York";
const UPS = calendarFor({ timezone: ZONE, carrier: "ups" });
const SHOP_DAYS = { ...UPS, workdays: SHOP_WORKDAYS };
// before the shop's 14:00 cut-off, so the parcel leaves with Monday's pickup (the model counts from that day)
const SHIPPED = Date.parse("2026-11-02T13:00:00-05:00");
const ONTARIO = { first_name: "Maya", last_name: "Chen", address1: "120 Elgin St", city: "Ottawa", zip: "K1P 5K9", province: "Ontario", province_code: "ON", country: "Canada", country_code: "CA" };
const BRITISH_COLUMBIA = { first_name: "Sam", last_name: "Lee", address1: "800 Robson St", city: "Vancouver", zip: "V6Z 2E6", province: "British Columbia", province_code: "BC", country: "Canada", country_code: "CA" };
const lane = (province: string) => histogramKeysOf({ carrier: "ups", service: "manual", origin: null, destination: { country: "CA", province } })[0]!;
const dayOf = (ms: number) => localParts(ms, ZONE).isoDate;

describe("learned estimates: a shop's deliveries move its estimates and predict delay", () => {
  let app: TestApp;
  let keyA: string;
  const clock = fixedClock(NOW);
  let serial = 0;
  const tracking = (prefix: string) => `1Z${prefix}${String(++serial).padStart(16 - prefix.length, "0")}`;
  const send = async (topic: string, payload: unknown, shop = SHOP_A) => expect((await app.sendWebhook(topic, payload, { shop })).status).toBe(200);
  const event = (f: { id: number; order_id: number }, status: string, at: number, extra: Record<string, unknown> = {}) =>
    fulfillmentEventPayload(f.id, f.order_id, { id: newId(), status, happened_at: new Date(at).toISOString(), message: status, ...extra });
  const count = async (shop: string, histogram: string) =>
    (await app.db.selectFrom("TransitCount").select(["bucket", "count"]).where("shop", "=", shop).where("histogram", "=", histogram).execute()).reduce((sum, r) => sum + Number(r.count), 0);
  const shipmentRow = (shop: string, key: string) =>
    app.db.selectFrom("Shipment").select(["id", "firstEstimate", "rolledUp", "status"]).where("shop", "=", shop).where("shipmentKey", "=", key).executeTakeFirstOrThrow();

  /**
   * a parcel delivered `days` UPS business days after it shipped on an October weekday, before the 14:00 cut-off
   * (the shop ships Monday to Friday: a Saturday label would be counted from Monday's pickup)
   */
  async function history(shop: string, n: number, days: number, destination: typeof ONTARIO) {
    for (let i = 0; i < n; i++) {
      const shippedAt = addBusinessDays(Date.parse("2026-10-05T10:00:00-04:00"), i % 12, SHOP_DAYS) - 10 * 3_600_000;
      // addBusinessDays lands on the last moment of the day: delivered that afternoon
      const deliveredAt = addBusinessDays(shippedAt, days, UPS) - 8 * 3_600_000;
      const number = tracking("LRN");
      const f = fulfillmentPayload(newId(), { id: newId(), name: `#${3000 + serial}.1`, created_at: new Date(shippedAt).toISOString(), updated_at: new Date(shippedAt).toISOString(), tracking_number: number, tracking_numbers: [number], destination });
      await send("fulfillments/create", f, shop);
      await send("fulfillment_events/create", event(f, "delivered", deliveredAt), shop);
    }
  }

  /** an order placed and shipped Monday 2 November, picked up that evening, scanned again this morning */
  async function parcelOnItsWay(shop: string, name: string, number: string, destination: typeof ONTARIO) {
    const order = orderPayload({ id: newId(), name, shipping_address: destination });
    const shipped = new Date(SHIPPED).toISOString();
    const f = fulfillmentPayload(order.id, { id: newId(), name: `${name}.1`, created_at: shipped, updated_at: shipped, tracking_number: number, tracking_numbers: [number], destination });
    await send("orders/create", order, shop);
    await send("fulfillments/create", f, shop);
    await app.settle();
    await send("fulfillment_events/create", event(f, "picked_up", SHIPPED + 4 * 3_600_000), shop);
    await send("fulfillment_events/create", event(f, "in_transit", Date.parse("2026-11-04T08:00:00-05:00")), shop);
    return f;
  }

  const SLOW = "1ZSLOWONTARIO0001";
  const PACED = "1ZPACEDBRITCOL001";
  let slow: ReturnType<typeof fulfillmentPayload>;

  beforeAll(async () => {
    app = await startTestApp({ clock });
    await history(SHOP_A, 25, 7, ONTARIO);
    await history(SHOP_A, 25, 2, BRITISH_COLUMBIA);
    await app.settle();
    slow = await parcelOnItsWay(SHOP_A, "#4001", SLOW, ONTARIO);
    await parcelOnItsWay(SHOP_A, "#4002", PACED, BRITISH_COLUMBIA);
    // shop B: the same parcel, with no history of its own
    await parcelOnItsWay(SHOP_B, "#4001", SLOW, ONTARIO);
    await app.settle();
    keyA = (await app.container.services.supportApi.createKey(SHOP_A, "Helpdesk")).key;
  }, 120_000);
  afterAll(async () => app?.close());

  it("learns each delivery once into the shop's own counts: 25 per lane, nothing in the other shop", async () => {
    expect(await count(SHOP_A, lane("ON"))).toBe(25);
    expect(await count(SHOP_A, lane("BC"))).toBe(25);
    const onLane = await app.db.selectFrom("TransitCount").select(["bucket", "count"]).where("shop", "=", SHOP_A).where("histogram", "=", lane("ON")).execute();
    expect(onLane.map((r) => [Number(r.bucket), Number(r.count)])).toEqual([[7, 25]]);
    expect(await app.db.selectFrom("TransitCount").select("id").where("shop", "=", SHOP_B).execute()).toEqual([]);
  });

  it("a new parcel on the lane gets a learned window around the lane's transit time: in /proxy/lookup and the Support API", async () => {
    const expected = dayOf(addBusinessDays(SHIPPED, 7, UPS));
    expect(expected).toBe("2026-11-10");
    const res = await fetch(app.proxyUrl({ order: "#4001", email: "maya.chen@example.com" }));
    expect(res.status).toBe(200);
    const [shown] = (await res.json()).shipments;
    expect(shown.estimatedDelivery.source).toBe("learned");
    expect(shown.estimatedDelivery.earliest <= expected && expected <= shown.estimatedDelivery.latest).toBe(true);
    const width = (Date.parse(shown.estimatedDelivery.latest) - Date.parse(shown.estimatedDelivery.earliest)) / 86_400_000 + 1;
    expect(width).toBeLessThanOrEqual(3);
    // its predicted late case is support's: the shopper is not told it is late while the promise stands
    expect(shown.attention).toBeNull();
    expect(shown.statusLabel).toBe("On its way");

    const api = await fetch(`${app.url}/api/v1/shipments?order=%234001`, { headers: { authorization: `Bearer ${keyA}` } });
    expect(api.status).toBe(200);
    expect((await api.json()).shipments[0].estimatedDelivery).toEqual(shown.estimatedDelivery);
  });

  it("shop B's model is untouched by shop A's deliveries: the same parcel reads the carrier's usual figures there", async () => {
    const res = await fetch(app.proxyUrl({ tracking: SLOW }, { shop: SHOP_B }));
    const [shown] = (await res.json()).shipments;
    expect(shown.estimatedDelivery.source).toBe("learned");
    // UPS's published 1–5 days, two of them gone: well before shop A's seven
    expect(shown.estimatedDelivery.latest < "2026-11-10").toBe(true);
  });

  it("trending late: a parcel slower than its lane's history opens a predicted late case before the promise; one on pace does not", async () => {
    const cases = await app.db.selectFrom("ExceptionCase").select(["orderName", "type", "owner", "priority", "ruleName", "reason"]).where("shop", "=", SHOP_A).where("orderName", "in", ["#4001", "#4002"]).where("type", "=", "late").execute();
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({ orderName: "#4001", type: "late", owner: "support", priority: "normal", ruleName: "Trending late: predicted to miss the promise" });
    expect(cases[0]!.reason).toMatch(/^Trending late: predicted to miss the promise: Parcels like this \(UPS, \* to CA-ON\) take 7 business days at the median, going by 25 of the shop's deliveries on this lane\./);
    expect(cases[0]!.reason).toContain("after the promised Monday 9 November");
    // shop B has no history that says so
    expect(await app.db.selectFrom("ExceptionCase").select("type").where("shop", "=", SHOP_B).where("orderName", "=", "#4001").where("type", "=", "late").execute()).toEqual([]);
    // the Support API names the predicted case's rule and reason
    const open = await (await fetch(`${app.url}/api/v1/exceptions?status=open`, { headers: { authorization: `Bearer ${keyA}` } })).json();
    expect(open.exceptions.find((e: { orderName: string }) => e.orderName === "#4001")).toMatchObject({ type: "late", rule: "Trending late: predicted to miss the promise" });
  });

  it("the first estimate is set at the first evaluation and never overwritten, while the one shown moves on", async () => {
    const before = await shipmentRow(SHOP_A, SLOW);
    expect(before.firstEstimate).not.toBeNull();
    const first = JSON.parse(before.firstEstimate!);
    // first evaluated as a label not picked up for two days (a not-picked-up case, no learned window): the promise
    expect(first).toEqual({ earliest: "2026-11-09", latest: "2026-11-09", source: "promise" });
    await send("fulfillment_events/create", event(slow, "in_transit", Date.parse("2026-11-04T11:00:00-05:00"), { estimated_delivery_at: "2026-11-06T00:00:00Z" }));
    await app.settle();
    const res = await fetch(app.proxyUrl({ tracking: SLOW }));
    expect((await res.json()).shipments[0].estimatedDelivery).toEqual({ earliest: "2026-11-06", latest: "2026-11-06", source: "carrier" });
    expect(JSON.parse((await shipmentRow(SHOP_A, SLOW)).firstEstimate!)).toEqual(first);
  });

  it("worried shopper: three storefront lookups within 24 hours give the stalled parcel's cases to support at high priority", async () => {
    // shipped Thursday 29 October, last scanned Friday 30 October: stalled by Wednesday
    const number = "1ZWORRIEDSHOPPER1";
    const order = orderPayload({ id: newId(), name: "#4003", created_at: "2026-10-29T09:00:00-04:00", shipping_address: ONTARIO });
    const f = fulfillmentPayload(order.id, { id: newId(), name: "#4003.1", created_at: "2026-10-29T10:00:00-04:00", tracking_number: number, tracking_numbers: [number] });
    await send("orders/create", order);
    await send("fulfillments/create", f);
    await send("fulfillment_events/create", event(f, "in_transit", Date.parse("2026-10-30T09:00:00-04:00")));
    await app.settle();
    const casesOf = () => app.db.selectFrom("ExceptionCase").select(["type", "owner", "priority"]).where("shop", "=", SHOP_A).where("orderName", "=", "#4003").where("status", "=", "open").orderBy("type").execute();
    expect(await casesOf()).toContainEqual({ type: "stalled", owner: "support", priority: "normal" });

    const { lookup, desk } = app.container.services;
    for (const hoursAgo of [5, 2, 0]) {
      clock.set(Date.parse(NOW) - hoursAgo * 3_600_000 + 60_000);
      expect((await fetch(app.proxyUrl({ order: "#4003", email: "maya.chen@example.com" }))).status).toBe(200);
      await lookup.flushLookupCounts();
    }
    await desk.sweep();
    const cases = await casesOf();
    expect(cases.find((c) => c.type === "stalled")).toEqual({ type: "stalled", owner: "support", priority: "high" });
    expect(cases.every((c) => c.owner === "support" && c.priority === "high")).toBe(true);
    clock.set(NOW);
  });

  it("learning is exactly once: the delivery is counted once, evaluating it again (even concurrently) counts nothing, and two workers racing count it once", async () => {
    clock.set("2026-11-10T20:00:00Z");
    await send("fulfillment_events/create", event(slow, "delivered", Date.parse("2026-11-10T14:00:00-05:00")));
    await app.settle();
    const row = await shipmentRow(SHOP_A, SLOW);
    expect(row.status).toBe("delivered");
    expect(row.rolledUp & ROLLED_UP.learned).toBe(ROLLED_UP.learned);
    expect(await count(SHOP_A, lane("ON"))).toBe(26);

    const { desk } = app.container.services;
    await desk.evaluateShipment(SHOP_A, row.id);
    await Promise.all([desk.evaluateShipment(SHOP_A, row.id), desk.evaluateShipment(SHOP_A, row.id)]);
    expect(await count(SHOP_A, lane("ON"))).toBe(26);

    // two workers told of the same unlearned delivery at the same moment (the bit cleared, as before learning)
    await app.db.updateTable("Shipment").set({ rolledUp: row.rolledUp & ~ROLLED_UP.learned }).where("id", "=", row.id).execute();
    const repository = createTransitCountRepository(app.container.database);
    const increments = histogramKeysOf({ carrier: "ups", service: "manual", origin: null, destination: { country: "CA", province: "ON" } }).map((histogram) => ({ histogram, bucket: 6 }));
    const results = await Promise.all([repository.learn(SHOP_A, row.id, increments), repository.learn(SHOP_A, row.id, increments)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await count(SHOP_A, lane("ON"))).toBe(27);
    // another shop's call for this shipment id touches nothing
    expect(await repository.learn(SHOP_B, row.id, increments)).toBe(false);
    expect(await app.db.selectFrom("TransitCount").select("id").where("shop", "=", SHOP_B).execute()).toEqual([]);
  });

  it("the lane starts where the parcel ships from: Shopify's origin_address region splits it; an origin it cannot read is none", async () => {
    const fromWarehouse = async (origin: unknown, shop: string) => {
      const number = tracking("ORG");
      const shippedAt = Date.parse("2026-10-06T10:00:00-04:00");
      const f = fulfillmentPayload(newId(), { id: newId(), name: `#${3000 + serial}.1`, created_at: new Date(shippedAt).toISOString(), updated_at: new Date(shippedAt).toISOString(), tracking_number: number, tracking_numbers: [number], destination: ONTARIO, origin_address: origin });
      await send("fulfillments/create", f, shop);
      await send("fulfillment_events/create", event(f, "delivered", addBusinessDays(shippedAt, 3, UPS) - 8 * 3_600_000), shop);
      await app.settle();
      return app.db.selectFrom("Shipment").select(["originCountry", "originProvince", "status"]).where("shop", "=", shop).where("shipmentKey", "=", number).executeTakeFirstOrThrow();
    };
    const fromNewJersey = lane("ON").replace("|*>", "|US-NJ>");
    expect(fromNewJersey).not.toBe(lane("ON"));
    const before = await count(SHOP_B, fromNewJersey);
    expect(await fromWarehouse({ address1: "1 Warehouse Way", city: "Edison", zip: "08817", province_code: "nj", country_code: "US" }, SHOP_B)).toEqual({ originCountry: "US", originProvince: "NJ", status: "delivered" });
    expect(await count(SHOP_B, fromNewJersey)).toBe(before + 1);
    // not a region code, or not an object at all: the parcel is tracked as usual, its lane has no origin
    expect(await fromWarehouse({ country_code: "somewhere over the rainbow", province_code: "NJ" }, SHOP_B)).toEqual({ originCountry: null, originProvince: null, status: "delivered" });
    expect(await fromWarehouse("Edison, NJ", SHOP_B)).toEqual({ originCountry: null, originProvince: null, status: "delivered" });
    expect(await app.db.selectFrom("WebhookDelivery").select("id").where("shop", "=", SHOP_B).where("status", "=", "failed").execute()).toEqual([]);
  });

  it("a bucket outside 0…31 is refused and changes nothing", async () => {
    const row = await shipmentRow(SHOP_A, PACED);
    const repository = createTransitCountRepository(app.container.database);
    await expect(repository.learn(SHOP_A, row.id, [{ histogram: lane("BC"), bucket: 2 }, { histogram: `7d:${lane("BC")}`, bucket: 32 }])).rejects.toThrow(/transit bucket 32/);
    expect((await shipmentRow(SHOP_A, PACED)).rolledUp & ROLLED_UP.learned).toBe(0);
    expect(await count(SHOP_A, lane("BC"))).toBe(25);
  });

  it("shop/redact deletes the shop's transit counts, and nothing of the other shop's", async () => {
    // Shopify sends shop/redact only after app/uninstalled
    await send("app/uninstalled", { id: 1, domain: SHOP_A });
    await app.settle();
    await send("shop/redact", { shop_id: 1, shop_domain: SHOP_A });
    await app.settle();
    expect(await app.db.selectFrom("TransitCount").select("id").where("shop", "=", SHOP_A).execute()).toEqual([]);
    expect(Object.keys((await app.container.services.transit.model(SHOP_A)).histograms)).toEqual([]);
  });
});

/**
 * Migration 0007's data part: shops installed before the two new default rules get them, once, after their own
 * rules, with the same JSON as DEFAULT_RULES. The statements are read from the migration file and run again on a
 * live database (they are written to be re-runnable).
 */
async function rerunRuleInserts(database: Database) {
  const dir = database.dialect === "sqlite" ? "sqlite" : "postgresql";
  const script = fs.readFileSync(path.join("prisma/migrations", dir, "0007_scorecard/migration.sql"), "utf8");
  const inserts = script
    .split(/;\s*(?:\n|$)/)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.startsWith('INSERT INTO "EscalationRule"'));
  expect(inserts).toHaveLength(2);
  for (const statement of inserts) await sql.raw(statement).execute(database.db);
}

async function builtInRules(database: Database, shop: string) {
  const rows = await database.db.selectFrom("EscalationRule").select(["builtIn", "name", "position", "enabled", "conditions", "actions"]).where("shop", "=", shop).orderBy("position").execute();
  return rows;
}

async function migratedShopGetsTheNewRules(app: TestApp) {
  const { database } = app.container;
  // a shop installed before this release: its rules as they were (the new two not there)
  await app.container.services.profile.get(SHOP_B);
  await database.db.deleteFrom("EscalationRule").where("shop", "=", SHOP_B).where("builtIn", "in", ["trending_late", "worried_shopper"]).execute();
  const before = await builtInRules(database, SHOP_B);
  await rerunRuleInserts(database);
  await rerunRuleInserts(database);
  const after = await builtInRules(database, SHOP_B);
  expect(after.slice(0, before.length)).toEqual(before);
  const added = after.slice(before.length);
  const lastPosition = Math.max(...before.map((r) => Number(r.position)));
  for (const [i, builtIn] of ["trending_late", "worried_shopper"].entries()) {
    const shipped = DEFAULT_RULES.find((r) => r.builtIn === builtIn)!;
    expect(added[i]).toMatchObject({ builtIn, name: shipped.name, position: lastPosition + 1 + i, enabled: 1 });
    expect(JSON.parse(added[i]!.conditions)).toEqual(shipped.conditions);
    expect(JSON.parse(added[i]!.actions)).toEqual(shipped.actions);
  }
  expect(added).toHaveLength(2);
  // and the rule book reads them as valid, enabled rules
  const { rules } = await app.container.services.profile.get(SHOP_B, true);
  expect(rules.filter((r) => r.builtIn === "trending_late" || r.builtIn === "worried_shopper").map((r) => r.enabled)).toEqual([true, true]);
}

describe("migration 0007: the new default rules reach existing shops", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it("on SQLite", async () => {
    await migratedShopGetsTheNewRules(app);
  });
});

describe("on PostgreSQL: learning once, and the rules' migration", () => {
  let database: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  let app: TestApp;

  beforeAll(async () => {
    database = await freshPostgresDatabase("shipwatch_transit");
    app = await startTestApp({ env: { DATABASE_URL: database.url } });
  });
  afterAll(async () => {
    await app?.close();
    await database?.drop();
  });

  it("a delivered parcel is counted once into the shop's histograms, and racing workers count it once", async () => {
    expect(app.container.database.dialect).toBe("postgres");
    const number = "1ZPOSTGRESLEARN01";
    const f = fulfillmentPayload(newId(), { id: newId(), name: "#6001.1", created_at: "2026-11-02T10:00:00-05:00", tracking_number: number, tracking_numbers: [number] });
    expect((await app.sendWebhook("fulfillments/create", f)).status).toBe(200);
    const delivered = fulfillmentEventPayload(f.id, f.order_id, { id: newId(), status: "delivered", happened_at: "2026-11-05T15:00:00-05:00" });
    expect((await app.sendWebhook("fulfillment_events/create", delivered)).status).toBe(200);
    await app.settle();
    const rows = await app.db.selectFrom("TransitCount").select(["histogram", "bucket", "count"]).where("shop", "=", SHOP_A).orderBy("histogram").execute();
    // Monday to Thursday: three business days (and three calendar days), in the lane and each roll-up, on both clocks
    expect(rows.map((r) => [Number(r.bucket), Number(r.count)])).toEqual(Array.from({ length: 8 }, () => [3, 1]));

    const row = await app.db.selectFrom("Shipment").select(["id", "rolledUp"]).where("shop", "=", SHOP_A).where("shipmentKey", "=", number).executeTakeFirstOrThrow();
    await app.db.updateTable("Shipment").set({ rolledUp: Number(row.rolledUp) & ~ROLLED_UP.learned }).where("id", "=", row.id).execute();
    const repository = createTransitCountRepository(app.container.database);
    const increments = rows.map((r) => ({ histogram: r.histogram, bucket: 3 }));
    const results = await Promise.all(Array.from({ length: 4 }, () => repository.learn(SHOP_A, row.id, increments)));
    expect(results.filter(Boolean)).toHaveLength(1);
    const after = await app.db.selectFrom("TransitCount").select("count").where("shop", "=", SHOP_A).execute();
    expect(after.map((r) => Number(r.count))).toEqual(Array.from({ length: 8 }, () => 2));
    expect(Object.values((await repository.load(SHOP_A)).histograms)).toEqual(Array.from({ length: 8 }, () => [0, 0, 0, 2]));
  });

  it("the rules' migration on PostgreSQL", async () => {
    await migratedShopGetsTheNewRules(app);
  });
});
