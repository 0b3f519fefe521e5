import { describe, expect, it } from "vitest";
import { createExceptionDesk } from "~/.server/services/exception-desk";
import { createShopProfile } from "~/.server/services/shop-profile";
import { createSweep } from "~/.server/services/sweep";
import type { ShipmentRecord } from "~/.server/ports";
import { fixedClock } from "~/domain/clock";
import { aShipmentRecord, createFakeStorage } from "./fakes/storage";

/**
 * The periodic sweep over a real exception desk on in-memory ports. The outbox's housekeeping is the one
 * part stood in for (notifications have their own service tests): it records when it ran and what the
 * cases looked like then.
 */
const SHOP = "alpha-goods.myshopify.com";
// Monday 16 November 2026, 10:00 New York
const NOW = Date.parse("2026-11-16T15:00:00Z");
const HOUR = 3_600_000;

function sweepOverFakes(options: { delayMs?: number } = {}) {
  const clock = fixedClock(NOW);
  const storage = createFakeStorage();
  const steps: string[] = [];
  // the ports the sweep's steps start from, instrumented to say when they are reached
  const hooks: { whileReadingDue?: () => Promise<void> } = {};
  const shipments = {
    ...storage.shipments,
    async dueForCheck(now: number, limit: number) {
      steps.push("evaluate due shipments");
      await hooks.whileReadingDue?.();
      return storage.shipments.dueForCheck(now, limit);
    },
  };
  const cases = { ...storage.cases, wakeSnoozed: (at: number) => (steps.push("wake snoozed cases"), storage.cases.wakeSnoozed(at)) };
  const desk = createExceptionDesk({
    shipments,
    orders: storage.orders,
    cases,
    profile: createShopProfile({ settings: storage.settings, rules: storage.rules, clock }),
    evaluations: storage.evaluations,
    clock,
  });
  const caseStates = () => storage.tables.cases(SHOP).map((c) => `${c.type}:${c.status}`).join(", ");
  const notifications = {
    async requeueStranded() {
      steps.push(`requeue stranded messages (cases then: ${caseStates()})`);
      return 0;
    },
    async checkChannelHealth() {
      steps.push("check channel health");
      return 0;
    },
  };
  const scheduled: (number | "now")[] = [];
  const sweep = createSweep({
    desk,
    notifications,
    schedule: async (runAt) => void scheduled.push(runAt ?? "now"),
    now: () => clock.now(),
    delayMs: options.delayMs,
  });
  let tracking = 7_316_213_581_064_500;
  function parcel(fields: Partial<ShipmentRecord>): ShipmentRecord {
    return storage.tables.addShipment(aShipmentRecord(SHOP, String(tracking++), NOW, fields));
  }
  return { clock, storage, desk, sweep, steps, scheduled, parcel, hooks };
}

describe("sweep (in-memory ports)", () => {
  it("request() schedules one sweep a moment ahead, however often it is asked, until that sweep runs", async () => {
    const { sweep, scheduled, clock } = sweepOverFakes({ delayMs: 500 });
    await sweep.request();
    await sweep.request();
    await sweep.request();
    expect(scheduled).toEqual([NOW + 500]);
    await sweep.run(100);
    clock.advance(1_000);
    await sweep.request();
    await sweep.request();
    expect(scheduled).toEqual([NOW + 500, NOW + 1_500]);
  });

  it("a change requested while a sweep runs gets a sweep of its own (the running one may have read past it)", async () => {
    const { sweep, scheduled, hooks } = sweepOverFakes();
    await sweep.request();
    hooks.whileReadingDue = () => sweep.request();
    await sweep.run(100);
    expect(scheduled).toEqual([NOW + 250, NOW + 250]);
    // and that one is pending: no third
    await sweep.request();
    expect(scheduled).toHaveLength(2);
  });

  it("GIVEN the queue refuses a requested sweep THEN the next request tries again instead of waiting for the recurring sweep", async () => {
    const clock = fixedClock(NOW);
    const storage = createFakeStorage();
    const desk = createExceptionDesk({ ...storage, profile: createShopProfile({ settings: storage.settings, rules: storage.rules, clock }), clock });
    let refuse = true;
    const scheduled: number[] = [];
    const sweep = createSweep({
      desk,
      notifications: { requeueStranded: async () => 0, checkChannelHealth: async () => 0 },
      schedule: async (runAt) => {
        if (refuse) throw new Error("queue unavailable");
        scheduled.push(runAt ?? 0);
      },
      now: () => clock.now(),
    });
    await expect(sweep.request()).rejects.toThrow("queue unavailable");
    refuse = false;
    await sweep.request();
    expect(scheduled).toHaveLength(1);
  });

  it("again() schedules the next sweep at once (a full batch means more are due)", async () => {
    const { sweep, scheduled } = sweepOverFakes();
    await sweep.again();
    await sweep.again();
    expect(scheduled).toEqual(["now", "now"]);
  });

  it("run() wakes snoozed cases, then evaluates the due shipments, then runs the outbox housekeeping", async () => {
    const { sweep, desk, clock, steps, parcel } = sweepOverFakes();
    // a damaged parcel's case, snoozed for two hours
    const damaged = parcel({ status: "exception", reason: "damaged" });
    const [snoozed] = (await desk.evaluateShipment(SHOP, damaged.id)).opened;
    expect(await desk.snooze(SHOP, snoozed!.id, NOW + 2 * HOUR, "ana@alpha-goods.test")).toEqual({ ok: true, status: "snoozed" });
    // a parcel whose carrier reports it lost, due for its check
    clock.advance(3 * HOUR);
    const lost = parcel({ status: "exception", reason: "lost", nextCheckAt: clock.now() });
    const result = await sweep.run(100);
    expect(result).toEqual({ evaluated: 1, parked: [] });
    expect(steps).toEqual([
      "wake snoozed cases",
      "evaluate due shipments",
      // by then the snoozed case is back in the queue and the lost parcel has its case
      "requeue stranded messages (cases then: damaged:open, lost:open)",
      "check channel health",
    ]);
    expect((await desk.queue(SHOP, { shipmentId: lost.id })).cases.map((c) => c.type)).toEqual(["lost"]);
  });

  it("run() hands back what the desk's sweep found, within the limit it was given", async () => {
    const { sweep, parcel } = sweepOverFakes();
    for (let i = 0; i < 3; i++) parcel({ status: "exception", reason: "damaged" });
    expect(await sweep.run(2)).toEqual({ evaluated: 2, parked: [] });
    expect(await sweep.run(2)).toEqual({ evaluated: 1, parked: [] });
    expect(await sweep.run(2)).toEqual({ evaluated: 0, parked: [] });
  });
});
