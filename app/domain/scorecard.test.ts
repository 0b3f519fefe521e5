import { describe, expect, it } from "vitest";
import {
  appendLookups,
  buildDashboard,
  buildScorecard,
  caseBeforeAskRate,
  dayOfInstant,
  daysOf,
  histogramQuantile,
  hoursBucket,
  judgeDelivery,
  MAX_SCORECARD_DAYS,
  METRIC,
  parseScorecardRange,
  previousRange,
  problemSince,
  transitBucket,
  type RollUpRow,
} from "./scorecard";

const at = (iso: string) => Date.parse(iso);
const row = (metric: string, key: string, count: number, total = 0, day?: string): RollUpRow => ({ metric, key, count, total, ...(day ? { day } : {}) });

describe("parseScorecardRange: 400 reasons", () => {
  it.each<[unknown, unknown, string]>([
    [undefined, "2026-11-30", "from is required"],
    ["2026-11-01", "", "to is required"],
    ["2026-13-01", "2026-11-30", "from is not a date"],
    ["2026-02-30", "2026-03-01", "from is not a date"],
    ["2026-11-01", "30/11/2026", "to is not a date"],
    ["2026-11-01T00:00:00Z", "2026-11-30", "from is not a date"],
    ["2026-12-01", "2026-11-30", "from is after to"],
    ["2025-01-01", "2026-12-31", "at most 400"],
  ])("%s → %s refused: %s", (from, to, reason) => {
    const parsed = parseScorecardRange(from, to);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toContain(reason);
  });

  it("accepts one day, and exactly 400 days but not 401", () => {
    expect(parseScorecardRange("2026-11-05", "2026-11-05")).toEqual({ ok: true, range: { from: "2026-11-05", to: "2026-11-05" } });
    const from = "2026-01-01";
    const to400 = daysOf({ from, to: "2027-12-31" })[MAX_SCORECARD_DAYS - 1]!;
    expect(parseScorecardRange(from, to400).ok).toBe(true);
    const to401 = daysOf({ from, to: "2027-12-31" })[MAX_SCORECARD_DAYS]!;
    expect(parseScorecardRange(from, to401)).toEqual({ ok: false, error: "the range is 401 days; at most 400" });
  });

  it("leap days are real dates; the previous period is as long and ends the day before", () => {
    expect(parseScorecardRange("2028-02-29", "2028-03-01").ok).toBe(true);
    expect(previousRange({ from: "2026-03-01", to: "2026-03-30" })).toEqual({ from: "2026-01-30", to: "2026-02-28" });
    expect(daysOf({ from: "2026-12-30", to: "2027-01-02" })).toEqual(["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]);
  });
});

describe("quantiles from histogram rows", () => {
  it("nearest rank over summed buckets, 0 with no data", () => {
    expect(histogramQuantile([], 0.5)).toBe(0);
    expect(histogramQuantile([[3, 0]], 0.5)).toBe(0);
    // values 1,2,3,4,10 → p50 = 3 (3rd of 5), p90 = 10 (5th of 5)
    const entries: [number, number][] = [[10, 1], [1, 1], [3, 1], [2, 1], [4, 1]];
    expect(histogramQuantile(entries, 0.5)).toBe(3);
    expect(histogramQuantile(entries, 0.9)).toBe(10);
    // one bucket heavy: 8 parcels at 2 days, 2 at 5 days → p50 2, p90 5
    expect(histogramQuantile([[2, 8], [5, 2]], 0.5)).toBe(2);
    expect(histogramQuantile([[2, 8], [5, 2]], 0.9)).toBe(5);
    expect(histogramQuantile([[2, 9], [5, 1]], 0.9)).toBe(2);
  });

  it("buckets: tenths of a transit day; hours fine where short", () => {
    expect(transitBucket(1.958)).toBe(20);
    expect(transitBucket(-1)).toBe(0);
    expect(transitBucket(900)).toBe(1200);
    // coarser steps stay in tenths: 1.958 days is 2 to the half day and to the day; 2.3 is 2.5 and 2
    expect(transitBucket(1.958, 0.5)).toBe(20);
    expect(transitBucket(2.3, 0.5)).toBe(25);
    expect(transitBucket(2.3, 1)).toBe(20);
    expect(transitBucket(2.6, 1)).toBe(30);
    expect(hoursBucket(3.04)).toBe(3);
    expect(hoursBucket(9.96)).toBe(10);
    expect(hoursBucket(47.4)).toBe(47);
    expect(hoursBucket(24 * 12.4)).toBe(24 * 12);
  });
});

describe("judgeDelivery: on time and estimate accuracy", () => {
  const delivered = at("2026-11-20T18:00:00Z");
  it("judges by the promise first", () => {
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: at("2026-11-20T23:59:59.999-05:00"), firstEstimate: { earliest: "2026-11-18", latest: "2026-11-19" } })).toEqual({
      onTime: true,
      estimate: { inside: false, errorDays: 1 },
    });
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: at("2026-11-19T23:59:59.999-05:00"), firstEstimate: null })).toEqual({ onTime: false, estimate: null });
  });
  it("without a promise, by the first estimate's last day; neither: not judged", () => {
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: null, firstEstimate: { earliest: "2026-11-19", latest: "2026-11-21" } })).toEqual({ onTime: true, estimate: { inside: true, errorDays: 0 } });
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: null, firstEstimate: { earliest: "2026-11-23", latest: "2026-11-25" } })).toEqual({ onTime: true, estimate: { inside: false, errorDays: 3 } });
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: null, firstEstimate: { earliest: "2026-11-16", latest: "2026-11-17" } })).toEqual({ onTime: false, estimate: { inside: false, errorDays: 3 } });
    expect(judgeDelivery({ deliveredAt: delivered, deliveredDay: "2026-11-20", promisedBy: null, firstEstimate: null })).toEqual({ onTime: null, estimate: null });
  });
  it("the day of an instant is the shop's day", () => {
    expect(dayOfInstant(at("2026-11-21T03:00:00Z"), "America/New_York")).toBe("2026-11-20");
    expect(dayOfInstant(at("2026-11-21T03:00:00Z"), "Asia/Tokyo")).toBe("2026-11-21");
  });
});

describe("case before ask, lookups", () => {
  it("is the share of shipments with both whose case came first", () => {
    expect(caseBeforeAskRate(0, 0)).toBe(0);
    expect(caseBeforeAskRate(4, 3)).toBe(0.75);
    expect(caseBeforeAskRate(3, 1)).toBe(0.3333);
  });
  it("keeps the last ten lookups and says when a third in 24 h came", () => {
    const h = 3_600_000;
    let r = appendLookups([], 1, 10 * h);
    expect(r).toEqual({ recent: [10 * h], becameWorried: false });
    r = appendLookups(r.recent, 1, 20 * h);
    expect(r.becameWorried).toBe(false);
    r = appendLookups(r.recent, 1, 30 * h);
    expect(r.becameWorried).toBe(true);
    // a fourth is not "becoming" worried again
    expect(appendLookups(r.recent, 1, 31 * h).becameWorried).toBe(false);
    // three spread over more than a day are not
    expect(appendLookups([0, 20 * h], 1, 30 * h).becameWorried).toBe(false);
    expect(appendLookups([], 25, 5 * h).recent).toHaveLength(10);
    expect(appendLookups([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 1, 11).recent).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });
});

describe("buildScorecard", () => {
  const range = { from: "2026-11-01", to: "2026-11-30" };
  it("with no data: zeros, empty lists, rates 0", () => {
    expect(buildScorecard(range, [])).toEqual({
      from: "2026-11-01",
      to: "2026-11-30",
      shipments: { total: 0, delivered: 0, inFlight: 0 },
      carriers: [],
      exceptions: { opened: 0, resolved: 0, byType: {}, medianHoursToResolve: 0 },
      messages: { sent: 0, byMoment: {} },
      asks: { lookups: 0, tickets: 0, wismoTickets: 0, shipmentsAsked: 0, caseBeforeAskRate: 0 },
    });
    const empty = buildDashboard(range, [], [], []);
    expect(empty.days).toHaveLength(30);
    expect(empty.accuracy).toEqual({ estimated: 0, insideWindow: 0, insideRate: 0, meanErrorDays: 0 });
    expect(empty.previous.from).toBe("2026-10-02");
  });

  it("assembles the contract from summed rows", () => {
    const rows = [
      row(METRIC.shipped, "ups|ground|US-NY", 6),
      row(METRIC.shipped, "ups|*|US-CA", 2),
      row(METRIC.shipped, "usps|priority mail|US", 3),
      row(METRIC.status, "delivered", 5),
      row(METRIC.status, "in_transit", 4),
      row(METRIC.status, "returned_to_sender", 1),
      row(METRIC.status, "exception", 1),
      row(METRIC.delivered, "ups|ground|US-NY", 4, 9.5),
      row(METRIC.delivered, "usps|priority mail|US", 1, 3),
      row(METRIC.onTime, "ups|ground|US-NY", 4, 3),
      row(METRIC.transit, "ups|20", 2),
      row(METRIC.transit, "ups|25", 1),
      row(METRIC.transit, "ups|40", 1),
      row(METRIC.transit, "usps|30", 1),
      row(METRIC.caseOpened, "stalled|operations", 2),
      row(METRIC.caseOpened, "damaged|support", 1),
      row(METRIC.caseResolved, "stalled", 2, 30),
      row(METRIC.hoursToResolve, "5", 1, 5),
      row(METRIC.hoursToResolve, "25", 1, 25),
      row(METRIC.messageSent, "delivered|email", 4),
      row(METRIC.messageSent, "delivered|sms", 1),
      row(METRIC.messageSent, "first_scan|email", 2),
      row(METRIC.lookup, "", 9),
      row(METRIC.ticket, "wismo", 2),
      row(METRIC.ticket, "other", 1),
      row(METRIC.asked, "", 4),
      row(METRIC.caseBeforeAsk, "both", 2),
      row(METRIC.caseBeforeAsk, "case_first", 1),
    ];
    const card = buildScorecard(range, rows);
    expect(card.shipments).toEqual({ total: 11, delivered: 5, inFlight: 5 });
    expect(card.carriers).toEqual([
      { carrier: "ups", shipments: 8, delivered: 4, onTimeRate: 0.75, transitDaysP50: 2, transitDaysP90: 4 },
      { carrier: "usps", shipments: 3, delivered: 1, onTimeRate: 0, transitDaysP50: 3, transitDaysP90: 3 },
    ]);
    expect(card.exceptions).toEqual({ opened: 3, resolved: 2, byType: { stalled: 2, damaged: 1 }, medianHoursToResolve: 5 });
    expect(card.messages).toEqual({ sent: 7, byMoment: { delivered: 5, first_scan: 2 } });
    expect(card.asks).toEqual({ lookups: 9, tickets: 3, wismoTickets: 2, shipmentsAsked: 4, caseBeforeAskRate: 0.5 });
    const dash = buildDashboard(range, [...rows, row(METRIC.estimate, "inside", 3, 0), row(METRIC.estimate, "outside", 1, 2), row(METRIC.hoursToOwner, "1.5", 3, 4.5), row(METRIC.transitService, "ups|ground|20", 2)], [], [row(METRIC.status, "in_transit", 2, 0, "2026-11-03"), row(METRIC.lookup, "", 4, 0, "2026-11-03"), row(METRIC.lookup, "", 1, 0, "2026-12-03")]);
    expect(dash.accuracy).toEqual({ estimated: 4, insideWindow: 3, insideRate: 0.75, meanErrorDays: 0.5 });
    expect(dash.exceptions).toEqual({ medianHoursToOwner: 1.5, byOwner: { operations: 2, support: 1 } });
    expect(dash.caseBeforeAsk).toEqual({ both: 2, caseFirst: 1 });
    expect(dash.messages[0]).toEqual({ moment: "delivered", channel: "email", sent: 4 });
    expect(dash.days[2]).toEqual({ day: "2026-11-03", byStatus: { in_transit: 2 }, casesOpened: 0, casesResolved: 0, messagesSent: 0, lookups: 4, tickets: 0 });
    expect(dash.services.find((s) => s.label === "ground")).toMatchObject({ carrier: "ups", shipments: 6, delivered: 4, onTimeRate: 0.75, transitDaysP50: 2 });
    expect(dash.lanes.map((l) => `${l.carrier} ${l.label}`)).toEqual(["ups US-NY", "usps US", "ups US-CA"]);
  });
});

describe("problemSince: where time to owner starts", () => {
  const opened = at("2026-11-20T15:00:00Z");
  it("a problem state: from the carrier's time of it; silence: from when the check came due", () => {
    expect(problemSince({ status: "exception", statusChangedAt: at("2026-11-20T12:00:00Z"), nextCheckAt: opened }, opened)).toBe(at("2026-11-20T12:00:00Z"));
    expect(problemSince({ status: "in_transit", statusChangedAt: at("2026-11-17T12:00:00Z"), nextCheckAt: at("2026-11-20T14:30:00Z") }, opened)).toBe(at("2026-11-20T14:30:00Z"));
    expect(problemSince({ status: "in_transit", statusChangedAt: null, nextCheckAt: null }, opened)).toBe(opened);
    // never after the case opened
    expect(problemSince({ status: "delayed", statusChangedAt: at("2026-11-21T00:00:00Z"), nextCheckAt: null }, opened)).toBe(opened);
  });
});
