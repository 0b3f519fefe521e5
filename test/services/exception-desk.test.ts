import { describe, expect, it } from "vitest";
import { createExceptionDesk, PARKED_EVALUATION_MS, type ParkedEvaluation } from "~/.server/services/exception-desk";
import { createShopProfile, DEFAULT_SETTINGS } from "~/.server/services/shop-profile";
import type { EvaluatedShipment, EvaluationSubscriber, ShipmentRecord } from "~/.server/ports";
import { fixedClock } from "~/domain/clock";
import { DEFAULT_RULES } from "~/domain/rules";
import { aShipmentRecord, createFakeStorage } from "./fakes/storage";

/**
 * The exception desk's use cases over in-memory fakes of its ports, with the clock held still: the same
 * promises as test/integration/exceptions.test.ts (which stays, on a real database), in milliseconds.
 */
const SHOP_A = "alpha-goods.myshopify.com";
const SHOP_B = "bravo-outfitters.myshopify.com";
// Monday 16 November 2026, 10:00 New York
const NOW = Date.parse("2026-11-16T15:00:00Z");
const HOUR = 3_600_000;
const ANA = "ana@alpha-goods.test";

function deskOverFakes(options: { subscribers?: EvaluationSubscriber[] } = {}) {
  const clock = fixedClock(NOW);
  const storage = createFakeStorage();
  const profile = createShopProfile({ settings: storage.settings, rules: storage.rules, clock });
  const parked: ParkedEvaluation[] = [];
  const desk = createExceptionDesk({
    shipments: storage.shipments,
    orders: storage.orders,
    cases: storage.cases,
    profile,
    evaluations: storage.evaluations,
    clock,
    subscribers: options.subscribers,
    onParked: async (p) => void parked.push(...p),
  });
  let tracking = 7_316_213_581_064_500;
  /** a parcel shipped two days ago, scanned an hour ago, with no order on file (so no promise date and no "late") */
  function parcel(shop: string, fields: Partial<ShipmentRecord> = {}): ShipmentRecord {
    return storage.tables.addShipment(aShipmentRecord(shop, String(tracking++), NOW, fields));
  }
  const damaged = (shop: string) => parcel(shop, { status: "exception", reason: "damaged" });
  /** the carrier scans the parcel again: it is on its way */
  const scannedAgain = (shipment: ShipmentRecord) => {
    clock.advance(HOUR);
    storage.tables.updateShipment(shipment.shop, shipment.id, { status: "in_transit", reason: null, lastEventAt: clock.now(), lastCarrierScanAt: clock.now(), eventCount: shipment.eventCount + 1 }, clock.now());
  };
  return { clock, storage, profile, desk, parked, parcel, damaged, scannedAgain };
}

describe("exception desk: evaluating shipments (in-memory ports)", () => {
  it("a damaged parcel opens one owned, explained case, with who opened it on the trail", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    const { opened, resolved } = await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(resolved).toEqual([]);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ shop: SHOP_A, shipmentId: shipment.id, type: "damaged", owner: "fulfillment", priority: "high", status: "open", ruleName: "Damaged in transit", dueAt: NOW + 24 * HOUR });
    expect(opened[0]!.reason).toMatch(/^Damaged in transit: reason damaged/);
    expect(storage.tables.cases(SHOP_A).map((c) => c.type)).toEqual(["damaged"]);
    expect(storage.tables.activities(SHOP_A, opened[0]!.id).map((a) => [a.kind, a.actor])).toEqual([["opened", "shipwatch"]]);
  });

  it("evaluating twice opens no twin", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect((await desk.evaluateShipment(SHOP_A, shipment.id)).opened).toEqual([]);
    expect(storage.tables.cases(SHOP_A).map((c) => [c.type, c.status])).toEqual([["damaged", "open"]]);
  });

  it("evaluations at once, that each read 'no case yet', still open one case: storage refuses the twin", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    const results = await Promise.all(Array.from({ length: 5 }, () => desk.evaluateShipment(SHOP_A, shipment.id)));
    expect(results.flatMap((r) => r.opened)).toHaveLength(1);
    expect(storage.tables.cases(SHOP_A).map((c) => [c.type, c.status])).toEqual([["damaged", "open"]]);
  });

  it("a parcel the carrier scans again resolves its case by itself, and says why", async () => {
    const { desk, storage, damaged, scannedAgain } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    const [opened] = (await desk.evaluateShipment(SHOP_A, shipment.id)).opened;
    scannedAgain(shipment);
    expect(await desk.evaluateShipment(SHOP_A, shipment.id)).toEqual({ opened: [], resolved: [opened!.id] });
    expect(storage.tables.cases(SHOP_A)[0]).toMatchObject({ status: "resolved", resolution: "waited", resolvedBy: "shipwatch", resolvedAt: NOW + HOUR });
    expect(storage.tables.activities(SHOP_A, opened!.id).at(-1)).toMatchObject({ kind: "auto_resolved", detail: "Resolved by itself: the carrier scanned the parcel again." });
  });

  it("with self-resolving turned off in Settings, a recovered parcel's case waits for a person", async () => {
    const { desk, storage, profile, damaged, scannedAgain } = deskOverFakes();
    await profile.saveSettings(SHOP_A, { ...DEFAULT_SETTINGS, autoResolve: false });
    const shipment = damaged(SHOP_A);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    scannedAgain(shipment);
    expect((await desk.evaluateShipment(SHOP_A, shipment.id)).resolved).toEqual([]);
    expect(storage.tables.cases(SHOP_A).map((c) => c.status)).toEqual(["open"]);
  });

  it("a snoozed case still holds its place: evaluation opens no second case of the type beside it", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    const [opened] = (await desk.evaluateShipment(SHOP_A, shipment.id)).opened;
    expect(await desk.snooze(SHOP_A, opened!.id, NOW + 4 * HOUR, ANA)).toEqual({ ok: true, status: "snoozed" });
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(storage.tables.cases(SHOP_A).map((c) => c.status)).toEqual(["snoozed"]);
  });

  it("the evaluation records where the shipment stands: not due again until its next check", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipment = damaged(SHOP_A);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(storage.tables.shipment(SHOP_A, shipment.id)!.nextCheckAt).toBeGreaterThan(NOW);
    expect(await desk.sweep()).toEqual({ evaluated: 0, parked: [] });
  });

  it("a new shop gets the default rules once, however many evaluations and processes read its profile", async () => {
    const { desk, storage, damaged, clock } = deskOverFakes();
    await desk.evaluateShipment(SHOP_A, damaged(SHOP_A).id);
    await desk.evaluateShipment(SHOP_A, damaged(SHOP_A).id);
    const anotherProcess = createShopProfile({ settings: storage.settings, rules: storage.rules, clock });
    expect((await anotherProcess.get(SHOP_A, true)).rules).toHaveLength(DEFAULT_RULES.length);
    expect(await storage.rules.list(SHOP_B)).toEqual([]);
  });

  it("one shop's evaluation never reaches another shop's shipment", async () => {
    const { desk, storage, damaged } = deskOverFakes();
    const shipmentOfB = damaged(SHOP_B);
    expect(await desk.evaluateShipment(SHOP_A, shipmentOfB.id)).toEqual({ opened: [], resolved: [] });
    expect([...storage.tables.cases(SHOP_A), ...storage.tables.cases(SHOP_B)]).toEqual([]);
  });
});

describe("exception desk: what people do with cases (in-memory ports)", () => {
  async function withOpenCase() {
    const fakes = deskOverFakes();
    const shipment = fakes.damaged(SHOP_A);
    const [opened] = (await fakes.desk.evaluateShipment(SHOP_A, shipment.id)).opened;
    return { ...fakes, shipment, caseId: opened!.id };
  }

  it("assign, note and resolve leave who did what on the trail", async () => {
    const { desk, caseId } = await withOpenCase();
    expect(await desk.assign(SHOP_A, caseId, ANA, ANA)).toEqual({ ok: true, status: "open" });
    expect(await desk.addNote(SHOP_A, caseId, "Customer sent photos; reshipping.", ANA)).toEqual({ ok: true, status: "open" });
    expect(await desk.resolve(SHOP_A, caseId, "reshipped", ANA, "sent a new one")).toEqual({ ok: true, status: "resolved" });
    const file = await desk.caseFile(SHOP_A, caseId);
    expect(file!.case).toMatchObject({ assignee: ANA, status: "resolved", resolution: "reshipped", resolvedBy: ANA });
    expect(file!.activities.map((a) => [a.kind, a.actor, a.detail])).toEqual([
      ["opened", "shipwatch", file!.case.reason],
      ["assigned", ANA, `Assigned to ${ANA}`],
      ["note", ANA, "Customer sent photos; reshipping."],
      ["resolved", ANA, "reshipped: sent a new one"],
    ]);
  });

  it("resolving twice: the second is refused as already resolved, and the first resolution stands", async () => {
    const { desk, caseId } = await withOpenCase();
    expect(await desk.resolve(SHOP_A, caseId, "reshipped", ANA)).toEqual({ ok: true, status: "resolved" });
    expect(await desk.resolve(SHOP_A, caseId, "refunded", "someone.else")).toEqual({ ok: false, reason: "already_resolved" });
    expect((await desk.caseFile(SHOP_A, caseId))!.case).toMatchObject({ resolution: "reshipped", resolvedBy: ANA });
  });

  it("a resolved case cannot be snoozed (already_resolved), and stays resolved", async () => {
    const { desk, caseId } = await withOpenCase();
    await desk.resolve(SHOP_A, caseId, "contacted_customer", ANA);
    expect(await desk.snooze(SHOP_A, caseId, NOW + HOUR, ANA)).toEqual({ ok: false, reason: "already_resolved" });
    expect((await desk.caseFile(SHOP_A, caseId))!.case).toMatchObject({ status: "resolved", snoozedUntil: null });
  });

  it("a snooze in the past or beyond 90 days is refused; a snoozed case wakes when its time comes", async () => {
    const { desk, clock, caseId } = await withOpenCase();
    expect(await desk.snooze(SHOP_A, caseId, NOW - HOUR, ANA)).toEqual({ ok: false, reason: "snooze_out_of_range" });
    expect(await desk.snooze(SHOP_A, caseId, NOW + 91 * 24 * HOUR, ANA)).toEqual({ ok: false, reason: "snooze_out_of_range" });
    expect(await desk.snooze(SHOP_A, caseId, NOW + 2 * HOUR, ANA)).toEqual({ ok: true, status: "snoozed" });
    clock.advance(HOUR);
    expect(await desk.wakeSnoozed()).toBe(0);
    clock.advance(HOUR);
    expect(await desk.wakeSnoozed()).toBe(1);
    const file = await desk.caseFile(SHOP_A, caseId);
    expect(file!.case).toMatchObject({ status: "open", snoozedUntil: null });
    expect(file!.activities.at(-1)).toMatchObject({ kind: "woken", actor: "shipwatch" });
  });

  it("snoozing a snoozed case again moves its wake time (the trail and the case agree)", async () => {
    const { desk, clock, caseId } = await withOpenCase();
    await desk.snooze(SHOP_A, caseId, NOW + 2 * HOUR, ANA);
    expect(await desk.snooze(SHOP_A, caseId, NOW + 10 * HOUR, ANA)).toEqual({ ok: true, status: "snoozed" });
    const file = await desk.caseFile(SHOP_A, caseId);
    expect(file!.activities.at(-1)!.detail).toBe(`Snoozed until ${new Date(NOW + 10 * HOUR).toISOString()}`);
    expect(file!.case.snoozedUntil).toBe(NOW + 10 * HOUR);
    clock.advance(3 * HOUR);
    expect(await desk.wakeSnoozed()).toBe(0);
  });

  it("reopening is refused while another case of the type is open for the shipment (duplicate_open)", async () => {
    const { desk, storage, shipment, caseId } = await withOpenCase();
    await desk.resolve(SHOP_A, caseId, "reshipped", ANA);
    // still damaged per the carrier: the next evaluation opens a new case
    const [fresh] = (await desk.evaluateShipment(SHOP_A, shipment.id)).opened;
    expect(fresh!.id).not.toBe(caseId);
    expect(await desk.reopen(SHOP_A, caseId, ANA)).toEqual({ ok: false, reason: "duplicate_open" });
    expect(storage.tables.cases(SHOP_A).map((c) => [c.id, c.status])).toEqual([
      [caseId, "resolved"],
      [fresh!.id, "open"],
    ]);
    // once the new one is resolved, the old one may come back
    await desk.resolve(SHOP_A, fresh!.id, "false_alarm", ANA);
    expect(await desk.reopen(SHOP_A, caseId, ANA)).toEqual({ ok: true, status: "open" });
    expect(await desk.reopen(SHOP_A, caseId, ANA)).toEqual({ ok: false, reason: "not_resolved" });
  });

  it("two people acting on one case at once: the first wins, the second is told it changed meanwhile", async () => {
    const { desk, caseId } = await withOpenCase();
    const [resolved, snoozed] = await Promise.all([desk.resolve(SHOP_A, caseId, "reshipped", ANA), desk.snooze(SHOP_A, caseId, NOW + HOUR, "bo@alpha-goods.test")]);
    expect(resolved).toEqual({ ok: true, status: "resolved" });
    expect(snoozed).toEqual({ ok: false, reason: "changed_meanwhile" });
    const file = await desk.caseFile(SHOP_A, caseId);
    expect(file!.case).toMatchObject({ status: "resolved", snoozedUntil: null });
    expect(file!.activities.map((a) => a.kind)).toEqual(["opened", "resolved"]);
  });

  it("another shop's case id is not_found for every action, and the case is untouched", async () => {
    const { desk, storage, damaged } = await withOpenCase();
    const shipmentOfB = damaged(SHOP_B);
    const [caseOfB] = (await desk.evaluateShipment(SHOP_B, shipmentOfB.id)).opened;
    const id = caseOfB!.id;
    const notFound = { ok: false, reason: "not_found" };
    expect(await desk.resolve(SHOP_A, id, "false_alarm", "intruder")).toEqual(notFound);
    expect(await desk.snooze(SHOP_A, id, NOW + HOUR, "intruder")).toEqual(notFound);
    expect(await desk.assign(SHOP_A, id, "intruder", "intruder")).toEqual(notFound);
    expect(await desk.setPriority(SHOP_A, id, "low", "intruder")).toEqual(notFound);
    expect(await desk.addNote(SHOP_A, id, "hi", "intruder")).toEqual(notFound);
    expect(await desk.reopen(SHOP_A, id, "intruder")).toEqual(notFound);
    expect(await desk.caseFile(SHOP_A, id)).toBeNull();
    expect((await desk.queue(SHOP_A, { status: "all" })).cases.map((c) => c.shop)).toEqual([SHOP_A]);
    expect(storage.tables.cases(SHOP_B)).toMatchObject([{ id, status: "open", assignee: null, priority: "high" }]);
    expect(storage.tables.activities(SHOP_B, id).map((a) => a.kind)).toEqual(["opened"]);
  });
});

describe("exception desk: who is told of an evaluation (in-memory ports)", () => {
  it("subscribers hear of evaluated shipments before the write; their after-hook runs after it", async () => {
    const moments: string[] = [];
    const heard: EvaluatedShipment[] = [];
    let casesAt: () => number = () => -1;
    const subscriber: EvaluationSubscriber = async (shop, evaluated) => {
      heard.push(...evaluated);
      moments.push(`told ${shop}: ${casesAt()} case(s) stored`);
      return async () => void moments.push(`after: ${casesAt()} case(s) stored`);
    };
    const { desk, storage, damaged } = deskOverFakes({ subscribers: [subscriber] });
    casesAt = () => storage.tables.cases(SHOP_A).length;
    const shipment = damaged(SHOP_A);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(moments).toEqual([`told ${SHOP_A}: 0 case(s) stored`, "after: 1 case(s) stored"]);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.shipment.id).toBe(shipment.id);
    expect(heard[0]!.openCaseTypes).toEqual(["damaged"]);
    expect(heard[0]!.order).toBeNull();
  });

  it("once the parcel recovers, subscribers hear that no case is open for it any more", async () => {
    const heard: EvaluatedShipment[][] = [];
    const { desk, damaged, scannedAgain } = deskOverFakes({ subscribers: [async (_shop, evaluated) => (heard.push(evaluated), async () => {})] });
    const shipment = damaged(SHOP_A);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    scannedAgain(shipment);
    await desk.evaluateShipment(SHOP_A, shipment.id);
    expect(heard.map((batch) => batch.map((e) => e.openCaseTypes))).toEqual([[["damaged"]], [[]]]);
  });

  it("a subscriber that throws for one shipment parks only that one in the sweep; every other shipment, of every shop, goes on", async () => {
    let troubled = -1;
    const { desk, storage, parked, damaged } = deskOverFakes({
      subscribers: [
        async (_shop, evaluated) => {
          if (evaluated.some((e) => e.shipment.id === troubled)) throw new Error("cannot plan messages for this one");
          return async () => {};
        },
      ],
    });
    const fine = damaged(SHOP_A);
    const bad = damaged(SHOP_A);
    const otherShop = damaged(SHOP_B);
    troubled = bad.id;
    const result = await desk.sweep();
    const expected = [{ shop: SHOP_A, shipmentId: bad.id, error: "Error: cannot plan messages for this one" }];
    expect(result).toEqual({ evaluated: 3, parked: expected });
    expect(parked).toEqual(expected);
    expect(storage.tables.cases(SHOP_A).map((c) => c.shipmentId)).toEqual([fine.id]);
    expect(storage.tables.cases(SHOP_B).map((c) => c.shipmentId)).toEqual([otherShop.id]);
    // set aside for a day, not at the front of every sweep
    expect(storage.tables.shipment(SHOP_A, bad.id)!.nextCheckAt).toBe(NOW + PARKED_EVALUATION_MS);
    expect(await desk.sweep()).toEqual({ evaluated: 0, parked: [] });
  });

  it("a single evaluation whose subscriber throws writes nothing and throws (its job retries)", async () => {
    const { desk, storage, damaged } = deskOverFakes({ subscribers: [async () => Promise.reject(new Error("outbox down"))] });
    const shipment = damaged(SHOP_A);
    await expect(desk.evaluateShipment(SHOP_A, shipment.id)).rejects.toThrow("outbox down");
    expect(storage.tables.cases(SHOP_A)).toEqual([]);
    // still due: the change is evaluated again
    expect(storage.tables.shipment(SHOP_A, shipment.id)!.nextCheckAt).toBe(NOW);
  });
});
