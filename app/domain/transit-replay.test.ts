import { describe, expect, it } from "vitest";
import { addBusinessDays, calendarFor, localParts } from "./business-time";
import { replayEstimates, type ReplayParcel } from "./transit-replay";

const NY = "America/New_York";
const calendar = calendarFor({ timezone: NY, carrier: "ups" });
const HOUR = 3_600_000;
// Monday 2 November 2026, 10:00 in New York
const MONDAY = Date.parse("2026-11-02T15:00:00Z");

function parcel(shippedAt: number, businessDays: number | null, extra: Partial<ReplayParcel> = {}): ReplayParcel {
  const deliveredAt = businessDays === null ? null : addBusinessDays(shippedAt, businessDays, calendar) - 2 * HOUR;
  return {
    carrier: "ups",
    service: "UPS Ground",
    origin: { country: "US", province: "NY" },
    destination: { country: "US", province: "CA" },
    shippedAt,
    deliveredAt,
    promisedBy: null,
    scans: deliveredAt === null ? [shippedAt + 4 * HOUR] : [shippedAt + 4 * HOUR, deliveredAt],
    exception: false,
    calendar,
    zone: NY,
    ...extra,
  };
}

describe("replayEstimates", () => {
  it("gives each parcel only what was delivered before it shipped", () => {
    // the first parcel has nothing learned: it gets the carrier's published default, which says 1–5 days for
    // ground; a lane that always takes 4 business days is learned by the later ones
    const parcels = Array.from({ length: 40 }, (_, i) => parcel(MONDAY + i * 7 * 24 * HOUR, 4));
    const figures = replayEstimates(parcels);
    expect(figures.scored).toBe(40);
    // with weeks between shipments every earlier parcel is delivered before the next ships: all but the first
    // few are inside a window learned from a lane this regular
    expect(figures.inside).toBeGreaterThanOrEqual(36);
    expect(figures.clean).toEqual({ scored: 40, inside: figures.inside });
    expect(figures.meanWidthDays).toBeLessThanOrEqual(3);
  });

  it("does not score a parcel that was never delivered, and learns nothing from it", () => {
    const figures = replayEstimates([parcel(MONDAY, null), parcel(MONDAY + 7 * 24 * HOUR, null)]);
    expect(figures).toMatchObject({ scored: 0, inside: 0, late: 0, onTime: 0, meanWidthDays: 0, meanErrorDays: 0 });
  });

  it("flags a parcel trending late before its promise passes, and not one on pace", () => {
    const history = Array.from({ length: 60 }, (_, i) => parcel(MONDAY - 90 * 24 * HOUR + i * 24 * HOUR, 2));
    const shipped = MONDAY + 7 * 24 * HOUR;
    const endOfDay = (at: number) => Date.parse(`${localParts(at, NY).isoDate}T23:59:59-05:00`);
    const promise = endOfDay(addBusinessDays(shipped, 3, calendar));
    // a 2-day lane promised in 3: the carrier does not scan this one for two days, so by the second morning its
    // transit can only start that day and end after the promise — flagged a day before the promise passes
    const slow = parcel(shipped, 5, { promisedBy: promise, scans: [shipped + 60 * HOUR, addBusinessDays(shipped, 5, calendar) - 2 * HOUR] });
    const onPace = parcel(shipped + HOUR, 2, { promisedBy: endOfDay(addBusinessDays(shipped + HOUR, 3, calendar)) });
    const figures = replayEstimates([...history, slow, onPace]);
    expect(figures.late).toBe(1);
    expect(figures.onTime).toBe(1);
    expect(figures.lateFlagged).toBe(1);
    expect(figures.onTimeFlagged).toBe(0);
  });

  it("measures the error in days from the window's nearest end", () => {
    const history = Array.from({ length: 60 }, (_, i) => parcel(MONDAY - 90 * 24 * HOUR + i * 24 * HOUR, 2));
    // one parcel arrives four business days later than the lane's history
    const figures = replayEstimates([...history, parcel(MONDAY + 14 * 24 * HOUR, 6)]);
    const last = replayEstimates(history);
    expect(figures.scored).toBe(last.scored + 1);
    expect(figures.inside).toBe(last.inside);
    expect(figures.meanErrorDays * figures.scored - last.meanErrorDays * last.scored).toBeGreaterThanOrEqual(3);
  });

  it("with scoreFrom, parcels shipped before it teach and are not scored: a shop that imported its history on install", () => {
    // 60 deliveries of a 4-day lane before the shop installed, then 10 after: each of the 10 is scored against a
    // model that already knows the lane (the published default for ground would say 1–5 days)
    const before = Array.from({ length: 60 }, (_, i) => parcel(MONDAY - 90 * 24 * HOUR + i * 24 * HOUR, 4));
    const after = Array.from({ length: 10 }, (_, i) => parcel(MONDAY + i * 24 * HOUR, 4));
    const figures = replayEstimates([...before, ...after], { scoreFrom: MONDAY, warmAfterDays: 5 });
    expect(figures).toMatchObject({ scored: 10, inside: 10, clean: { scored: 10, inside: 10 } });
    // warm: shipped at least warmAfterDays after scoreFrom
    expect(figures.warm.scored).toBe(after.filter((p) => p.shippedAt >= MONDAY + 5 * 24 * HOUR).length);
    // the same ten with nothing learned before them: the first ones only have the published default
    const cold = replayEstimates(after, { warmAfterDays: 5 });
    expect(cold.scored).toBe(10);
    expect(figures.meanWidthDays).toBeLessThan(cold.meanWidthDays);
  });
});
