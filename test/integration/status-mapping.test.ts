import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "~/domain/clock";
import { fulfillmentEventPayload, fulfillmentPayload, newId, orderPayload } from "../fixtures/shopify";
import { SHOP_A, SHOP_B, startTestApp, type TestApp } from "../support/test-app";

/**
 * The services behind the Status mapping and Rules pages, on a real SQLite database with shipments that arrived
 * as signed webhooks: a merchant's mapping re-reads past events and moves shipments (and their cases), new events
 * are read with it, bad input changes nothing, and one shop's choices never touch another's.
 */
describe("status mapping and the rule book (integration, real SQLite)", () => {
  // Monday 16 November 2026, 10:00 New York
  const clock = fixedClock("2026-11-16T15:00:00Z");
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ clock });
  });
  afterAll(async () => app?.close());

  const services = () => app.container.services;
  const repositories = () => app.container.repositories;
  const shipmentByTracking = (shop: string, tracking: string) =>
    app.db.selectFrom("Shipment").select(["id", "status", "reason"]).where("shop", "=", shop).where("shipmentKey", "=", tracking).executeTakeFirstOrThrow();
  const eventsOf = (shop: string, fulfillmentId: number) =>
    app.db.selectFrom("ShipmentEvent").select(["rawStatus", "status", "reason"]).where("shop", "=", shop).where("fulfillmentId", "=", String(fulfillmentId)).orderBy("happenedAt").execute();

  async function ship(shop: string, name: string, tracking: string, events: { status: string; message: string; happened_at: string }[], fulfillment: Record<string, unknown> = {}) {
    const order = orderPayload({ id: newId(), name, created_at: "2026-11-14T09:00:00-05:00", updated_at: "2026-11-14T09:00:00-05:00" });
    const f = fulfillmentPayload(order.id, {
      name: `${name}.1`,
      tracking_company: "Canada Post",
      tracking_number: tracking,
      tracking_numbers: [tracking],
      tracking_urls: [],
      created_at: "2026-11-14T14:00:00-05:00",
      updated_at: "2026-11-14T14:00:00-05:00",
      ...fulfillment,
    });
    await app.sendWebhook("orders/create", order, { shop });
    await app.sendWebhook("fulfillments/create", f, { shop });
    await app.settle();
    for (const e of events) await app.sendWebhook("fulfillment_events/create", fulfillmentEventPayload(f.id, order.id, e), { shop });
    await app.settle();
    return { order, fulfillment: f };
  }

  describe("status mapping", () => {
    let a: Awaited<ReturnType<typeof ship>>;
    let b: Awaited<ReturnType<typeof ship>>;

    it("keeps an unknown code as unknown, counted with its examples, and opens an unknown-status case", async () => {
      a = await ship(SHOP_A, "#8001", "7316213581065001", [
        { status: "in_transit", message: "Item processed", happened_at: "2026-11-15T08:00:00-05:00" },
        { status: "teleported", message: "Parcel beamed to the local depot", happened_at: "2026-11-16T08:00:00-05:00" },
      ]);
      // the other shop sees the same odd code on its own parcel
      b = await ship(SHOP_B, "#8001", "7316213581065019", [{ status: "teleported", message: "Their parcel beamed", happened_at: "2026-11-16T08:30:00-05:00" }]);
      expect((await shipmentByTracking(SHOP_A, "7316213581065001")).status).toBe("unknown");
      const overview = await services().statusMapping.overview(SHOP_A);
      expect(overview.unmapped.map((u) => [u.source, u.code, u.count, u.examples])).toEqual([["shopify_fulfillment_event", "teleported", 1, ["Parcel beamed to the local depot"]]]);
      const open = await repositories().cases.list(SHOP_A, { status: "open", type: "unknown_status" });
      expect(open.cases.map((c) => c.trackingNumber)).toEqual(["7316213581065001"]);
    });

    it("refuses a mapping to a status that does not exist, and saves nothing", async () => {
      const outcome = await services().statusMapping.mapCode(SHOP_A, { source: "shopify_fulfillment_event", code: "teleported", status: "beamed" });
      expect(outcome).toEqual({ ok: false, fieldErrors: { status: "Choose a status" } });
      const bad = await services().statusMapping.mapCode(SHOP_A, { source: "carrier_pigeon", code: " ", status: "in_transit", reason: "gremlins" });
      expect(bad).toMatchObject({ ok: false, fieldErrors: { source: expect.any(String), code: expect.any(String), reason: expect.any(String) } });
      expect(await app.db.selectFrom("StatusMappingOverride").selectAll().execute()).toEqual([]);
      expect((await shipmentByTracking(SHOP_A, "7316213581065001")).status).toBe("unknown");
    });

    it("mapping the code re-reads the past events: the shipment's status changes and its unknown-status case resolves", async () => {
      const outcome = await services().statusMapping.mapCode(SHOP_A, { source: "shopify_fulfillment_event", code: "Teleported ", status: "in_transit" });
      expect(outcome).toEqual({ ok: true, events: 1, changedEvents: 1, shipments: 1 });
      expect((await eventsOf(SHOP_A, a.fulfillment.id)).map((e) => [e.rawStatus, e.status])).toEqual([
        ["in_transit", "in_transit"],
        ["teleported", "in_transit"],
      ]);
      expect(await shipmentByTracking(SHOP_A, "7316213581065001")).toMatchObject({ status: "in_transit" });
      const resolved = await repositories().cases.list(SHOP_A, { status: "resolved", type: "unknown_status" });
      expect(resolved.cases.map((c) => [c.trackingNumber, c.resolution])).toEqual([["7316213581065001", "waited"]]);
      // a mapped code is no longer listed as unmapped
      const overview = await services().statusMapping.overview(SHOP_A);
      expect(overview.unmapped).toEqual([]);
      const row = overview.sources.find((s) => s.source === "shopify_fulfillment_event")!.rows.find((r) => r.code === "teleported");
      expect(row).toMatchObject({ defaultStatus: null, override: { status: "in_transit", reason: null }, seenUnmapped: 1 });
    });

    it("reads new events with the mapping, including what the message says (weather makes it delayed)", async () => {
      await app.sendWebhook(
        "fulfillment_events/create",
        fulfillmentEventPayload(a.fulfillment.id, a.order.id, { status: "TELEPORTED", message: "Beam delayed by a snowstorm", happened_at: "2026-11-16T09:00:00-05:00" }),
      );
      await app.settle();
      expect((await eventsOf(SHOP_A, a.fulfillment.id)).at(-1)).toEqual({ rawStatus: "TELEPORTED", status: "delayed", reason: "weather" });
      expect(await shipmentByTracking(SHOP_A, "7316213581065001")).toMatchObject({ status: "delayed", reason: "weather" });
      // not counted as unmapped again
      const counted = await app.db.selectFrom("UnmappedStatusCode").select("count").where("shop", "=", SHOP_A).where("code", "=", "teleported").executeTakeFirstOrThrow();
      expect(counted.count).toBe(1);
    });

    it("leaves the other shop's events, shipment, cases and unmapped codes alone", async () => {
      expect((await eventsOf(SHOP_B, b.fulfillment.id)).map((e) => e.status)).toEqual(["unknown"]);
      expect((await shipmentByTracking(SHOP_B, "7316213581065019")).status).toBe("unknown");
      expect((await repositories().cases.list(SHOP_B, { status: "open", type: "unknown_status" })).total).toBe(1);
      const overview = await services().statusMapping.overview(SHOP_B);
      expect(overview.unmapped.map((u) => u.code)).toEqual(["teleported"]);
      expect(overview.sources.flatMap((s) => s.rows).filter((r) => r.override)).toEqual([]);
      // and a re-normalization of shop B finds nothing of shop A's to change
      expect(await services().statusMapping.renormalizeAll(SHOP_B)).toEqual({ events: 1, changedEvents: 0, shipments: 0 });
    });

    it("a reason chosen by the merchant wins over the message, and going back to the default re-reads again", async () => {
      await services().statusMapping.mapCode(SHOP_A, { source: "shopify_fulfillment_event", code: "teleported", status: "exception", reason: "held_at_facility" });
      expect((await eventsOf(SHOP_A, a.fulfillment.id)).slice(1).map((e) => [e.status, e.reason])).toEqual([
        ["exception", "held_at_facility"],
        ["exception", "held_at_facility"],
      ]);
      const reset = await services().statusMapping.resetCode(SHOP_A, "shopify_fulfillment_event", "teleported");
      expect(reset).toEqual({ ok: true, events: 2, changedEvents: 2, shipments: 1 });
      expect((await eventsOf(SHOP_A, a.fulfillment.id)).slice(1).map((e) => e.status)).toEqual(["unknown", "unknown"]);
      expect((await shipmentByTracking(SHOP_A, "7316213581065001")).status).toBe("unknown");
    });

    it("maps Shopify's shipment status too: the fulfillment's snapshot is read again", async () => {
      await ship(SHOP_A, "#8002", "7316213581065027", [], { shipment_status: "beamed_up" });
      expect((await shipmentByTracking(SHOP_A, "7316213581065027")).status).toBe("unknown");
      const outcome = await services().statusMapping.mapCode(SHOP_A, { source: "shopify_shipment_status", code: "beamed_up", status: "in_transit" });
      expect(outcome).toMatchObject({ ok: true, shipments: 1 });
      expect((await shipmentByTracking(SHOP_A, "7316213581065027")).status).toBe("in_transit");
    });

    it("keeps only the classifications that differ from the defaults, and refuses an unknown class", async () => {
      expect(await services().statusMapping.classify(SHOP_A, { in_transit: "loud" })).toEqual({ ok: false, fieldErrors: { in_transit: expect.any(String) } });
      expect(await services().statusMapping.classify(SHOP_A, { in_transit: "customer_facing", delivered: "customer_facing" })).toEqual({ ok: true });
      expect((await repositories().settings.get(SHOP_A))?.statusClasses).toEqual({ in_transit: "customer_facing" });
      expect((await repositories().settings.get(SHOP_B))?.statusClasses ?? {}).toEqual({});
      expect((await services().statusMapping.overview(SHOP_A)).classes).toMatchObject({ in_transit: "customer_facing", delivered: "customer_facing", exception: "exception" });
    });
  });

  describe("rule book", () => {
    const valid = {
      name: "VIP problems to finance",
      conditions: [
        { kind: "status_in", statuses: ["exception"] },
        { kind: "customer_tag_has", tag: "VIP" },
      ],
      actions: [{ kind: "open_case", type: "carrier_exception", owner: "finance", priority: "high", slaHours: 4 }],
    };

    it("rejects an invalid rule with an error per field and saves nothing", async () => {
      const before = await services().ruleBook.list(SHOP_A);
      const outcome = await services().ruleBook.save(SHOP_A, null, {
        name: " ",
        conditions: [{ kind: "business_hours_since_last_scan_at_least", hours: 0 }, { kind: "destination_in", countries: ["usa"] }],
        actions: [{ kind: "open_case", type: "carrier_exception", owner: "finance", priority: "high", slaHours: null }],
      });
      expect(outcome).toEqual({
        ok: false,
        fieldErrors: {
          name: "give the rule a name",
          "conditions.0.hours": "must be more than 0",
          "conditions.1.countries.0": "use two-letter country codes, like US",
          "actions.0.slaHours": "enter the hours to resolve in",
        },
      });
      // an update that is invalid leaves the stored rule as it was
      const first = before[0]!;
      expect(await services().ruleBook.save(SHOP_A, first.id, { ...first, conditions: [] })).toEqual({ ok: false, fieldErrors: { conditions: "add at least one condition" } });
      expect(await services().ruleBook.list(SHOP_A)).toEqual(before);
    });

    it("saves a valid rule at the end of the order; evaluation uses it at once", async () => {
      const count = (await services().ruleBook.list(SHOP_A)).length;
      const outcome = await services().ruleBook.save(SHOP_A, null, valid);
      expect(outcome).toMatchObject({ ok: true, rule: { name: "VIP problems to finance", enabled: true, builtIn: null } });
      const rules = await services().ruleBook.list(SHOP_A);
      expect(rules).toHaveLength(count + 1);
      expect(rules.at(-1)!.name).toBe("VIP problems to finance");
      expect((await services().profile.get(SHOP_A)).rules.at(-1)!.name).toBe("VIP problems to finance");
    });

    it("moves and turns rules off", async () => {
      const rules = await services().ruleBook.list(SHOP_A);
      const last = rules.at(-1)!;
      expect(await services().ruleBook.move(SHOP_A, last.id, "up")).toBe(true);
      const moved = await services().ruleBook.list(SHOP_A);
      expect(moved.at(-2)!.id).toBe(last.id);
      expect(await services().ruleBook.setEnabled(SHOP_A, last.id, false)).toBe(true);
      expect((await services().profile.get(SHOP_A)).rules.find((r) => r.id === last.id)!.enabled).toBe(false);
    });

    it("tries an unsaved rule on a shipment found by tracking number, and says what each condition saw", async () => {
      await ship(SHOP_A, "#8003", "7316213581065035", [{ status: "failure", message: "Incorrect address - unable to deliver", happened_at: "2026-11-16T08:00:00-05:00" }]);
      const result = await services().ruleBook.tryOn(SHOP_A, valid, "7316213581065035");
      expect(result).toMatchObject({
        outcome: "evaluated",
        fired: true,
        shipment: { orderName: "#8003", status: "exception" },
        checks: [
          { passed: true, saw: "status exception (Problem with delivery)" },
          { passed: true, saw: "customer tags [VIP]" },
        ],
      });
      expect(await services().ruleBook.tryOn(SHOP_A, { ...valid, name: "" }, "7316213581065035")).toEqual({ outcome: "invalid", fieldErrors: { name: "give the rule a name" } });
      expect(await services().ruleBook.tryOn(SHOP_A, valid, "no-such-parcel")).toEqual({ outcome: "not_found", lookup: "no-such-parcel" });
    });

    it("never reads, changes or tries anything of another shop", async () => {
      const [ruleB] = await services().ruleBook.list(SHOP_B);
      const beforeB = await services().ruleBook.list(SHOP_B);
      expect(await services().ruleBook.get(SHOP_A, ruleB!.id)).toBeNull();
      expect(await services().ruleBook.save(SHOP_A, ruleB!.id, valid)).toEqual({ ok: false, notFound: true });
      expect(await services().ruleBook.setEnabled(SHOP_A, ruleB!.id, false)).toBe(false);
      expect(await services().ruleBook.move(SHOP_A, ruleB!.id, "down")).toBe(false);
      expect(await services().ruleBook.remove(SHOP_A, ruleB!.id)).toBe(false);
      expect(await services().ruleBook.list(SHOP_B)).toEqual(beforeB);
      // shop B's parcel cannot be found from shop A, even by its exact number
      expect(await services().ruleBook.tryOn(SHOP_A, valid, "7316213581065019")).toEqual({ outcome: "not_found", lookup: "7316213581065019" });
    });
  });
});
