import { describe, expect, it } from "vitest";
import type { Dashboard, Scorecard } from "~/domain/scorecard";
import { csvCell, dashboardCsv } from "./csv";
import { carrierLabel, countChange, formatDays, formatHours, laneLabel, overallOnTime, rateChange, serviceLabel } from "./figures";
import { addDays, presetOf, presetRange, rangeLabel, rangeLength, rangeProblemInWords } from "./range";
import { byGroup, STATUS_GROUPS } from "./status-groups";
import { SHIPMENT_STATUSES } from "~/domain/status";
import { parseCsvLine } from "../../../test/support/csv";


describe("how a figure moved", () => {
  it.each([
    [112, 100, "higher", "+12% vs previous 30 days", "up", "success"],
    [88, 100, "higher", "-12% vs previous 30 days", "down", "critical"],
    [88, 100, "lower", "-12% vs previous 30 days", "down", "success"],
    [5, 0, "lower", "Up from none in the previous 30 days", "up", "critical"],
    [0, 0, "higher", "No change vs previous 30 days", "flat", "subdued"],
    [1001, 1000, "higher", "About the same as previous 30 days", "flat", "subdued"],
    [120, 100, "neither", "+20% vs previous 30 days", "up", "subdued"],
  ] as const)("%i against %i (%s is better) → %s", (current, previous, better, change, trend, tone) => {
    expect(countChange(current, previous, "previous 30 days", better)).toEqual({ change, trend, tone });
  });

  it("moves rates by points, not percent, and says when there is nothing to compare", () => {
    expect(rateChange(0.55, 0.5, "previous 7 days", "higher")).toEqual({ change: "+5 points vs previous 7 days", trend: "up", tone: "success" });
    expect(rateChange(0.49, 0.5, "previous 7 days", "higher")).toEqual({ change: "-1 point vs previous 7 days", trend: "down", tone: "critical" });
    expect(rateChange(0.5, null, "previous 7 days", "higher").change).toBe("Nothing to compare with in the previous 7 days");
  });

  it("weights each carrier's on-time rate by its deliveries, and has no rate without deliveries", () => {
    const c = (carrier: string, delivered: number, onTimeRate: number) => ({ carrier, shipments: delivered, delivered, onTimeRate, transitDaysP50: 0, transitDaysP90: 0 });
    expect(overallOnTime([c("UPS", 30, 1), c("USPS", 10, 0.5)])).toBeCloseTo(0.875);
    expect(overallOnTime([c("UPS", 0, 0)])).toBeNull();
  });

  it("names carriers, services and routes in words, not codes", () => {
    expect([carrierLabel("ups"), carrierLabel("dhl"), carrierLabel("someone_new")]).toEqual(["UPS", "DHL", "someone_new"]);
    expect([serviceLabel("ground"), serviceLabel("*"), serviceLabel("next_day_air")]).toEqual(["Ground", "Any service", "Next day air"]);
    expect(laneLabel("US-NJ → US-NY")).toBe("NJ, United States → NY, United States");
    expect(laneLabel("US → CA")).toBe("United States → Canada");
    expect(laneLabel("* → US-CA")).toBe("anywhere → CA, United States");
  });

  it("says durations in words", () => {
    expect(formatDays(0.03)).toBe("less than a day");
    expect(formatDays(0)).toBe("0 days");
    expect([formatHours(0.25), formatHours(1), formatHours(3.46), formatHours(72), formatDays(1), formatDays(2.04), formatDays(2.45)]).toEqual([
      "15 minutes",
      "1 hour",
      "3.5 hours",
      "3 days",
      "1 day",
      "2 days",
      "2.5 days",
    ]);
  });
});

describe("the date range", () => {
  it("counts presets back from today, both ends included, across a month and a year", () => {
    expect(presetRange("last7", "2026-03-02")).toEqual({ from: "2026-02-24", to: "2026-03-02" });
    expect(presetRange("last30", "2026-01-10")).toEqual({ from: "2025-12-12", to: "2026-01-10" });
    expect(rangeLength(presetRange("last90", "2026-12-06"))).toBe(90);
    expect(addDays("2024-02-28", 1)).toBe("2024-02-29");
  });

  it("names a preset by its name and any other range by its days", () => {
    expect(presetOf({ from: "2026-11-30", to: "2026-12-06" }, "2026-12-06")).toBe("last7");
    expect(rangeLabel({ from: "2026-11-30", to: "2026-12-06" }, "2026-12-06")).toBe("Last 7 days");
    expect(rangeLabel({ from: "2026-11-01", to: "2026-11-15" }, "2026-12-06")).toBe("Nov 1 – Nov 15, 2026");
    expect(rangeLabel({ from: "2025-12-20", to: "2026-01-05" }, "2026-12-06")).toBe("Dec 20, 2025 – Jan 5, 2026");
  });

  it.each([
    [null, "2026-01-01", "a start and an end date are both needed"],
    ["2026-02-30", "2026-03-01", 'the start date "2026-02-30" is not a date written as YYYY-MM-DD'],
    ["2026-01-01", "soon", 'the end date "soon" is not a date written as YYYY-MM-DD'],
    ["2026-03-01", "2026-02-01", "the start date is after the end date"],
    ["2025-01-01", "2026-03-01", "the range is 425 days long, and Home shows at most 400"],
  ])("explains %s → %s in words", (from, to, words) => {
    expect(rangeProblemInWords(from, to, 400)).toBe(words);
  });
});

describe("statuses grouped for the chart", () => {
  it("puts every status in exactly one group, and an unknown key in the troubled one", () => {
    const all = STATUS_GROUPS.flatMap((g) => g.statuses as readonly string[]);
    expect([...all].sort()).toEqual([...SHIPMENT_STATUSES].sort());
    expect(byGroup({ delivered: 3, in_transit: 2, picked_up: 1, exception: 1, something_new: 2 })).toEqual({ delivered: 3, arriving: 0, moving: 3, returned: 0, trouble: 3 });
  });
});

describe("the CSV export", () => {
  it("quotes what needs quoting and never lets a cell be a formula", () => {
    expect(parseCsvLine(`${csvCell('Say "hi", then')},x`)).toEqual(['Say "hi", then', "x"]);
    expect([csvCell("UPS"), csvCell('Say "hi", then'), csvCell("=HYPERLINK(1)"), csvCell("-2"), csvCell(-2), csvCell(Number.NaN)]).toEqual([
      "UPS",
      '"Say ""hi"", then"',
      "'=HYPERLINK(1)",
      "'-2",
      "-2",
      "",
    ]);
  });

  it("writes a row a day with every status column, a blank line, then carriers, services and lanes", () => {
    const score: Scorecard = {
      from: "2026-12-01",
      to: "2026-12-02",
      shipments: { total: 3, delivered: 2, inFlight: 1 },
      carriers: [{ carrier: "ups", shipments: 3, delivered: 2, onTimeRate: 0.5, transitDaysP50: 2.04, transitDaysP90: 4.26 }],
      exceptions: { opened: 1, resolved: 0, byType: {}, medianHoursToResolve: 0 },
      messages: { sent: 2, byMoment: {} },
      asks: { lookups: 4, tickets: 0, wismoTickets: 0, shipmentsAsked: 1, caseBeforeAskRate: 0 },
    };
    const dashboard: Dashboard = {
      scorecard: score,
      previous: score,
      days: [
        { day: "2026-12-01", byStatus: { delivered: 2 }, casesOpened: 1, casesResolved: 0, messagesSent: 2, lookups: 3, tickets: 0 },
        { day: "2026-12-02", byStatus: { in_transit: 1 }, casesOpened: 0, casesResolved: 0, messagesSent: 0, lookups: 1, tickets: 0 },
      ],
      services: [{ carrier: "ups", label: "ground", shipments: 3, delivered: 2, onTimeRate: 0.5, transitDaysP50: 2, transitDaysP90: 4 }],
      lanes: [{ carrier: "ups", label: "US-NJ → US-NY", shipments: 3, delivered: 2, onTimeRate: 0.5, transitDaysP50: 2, transitDaysP90: 4 }],
      exceptions: { medianHoursToOwner: 0, byOwner: {} },
      messages: [],
      accuracy: { estimated: 0, insideWindow: 0, insideRate: 0, meanErrorDays: 0 },
      caseBeforeAsk: { both: 0, caseFirst: 0 },
    };
    const lines = dashboardCsv(dashboard).split("\r\n");
    const header = parseCsvLine(lines[0]!);
    expect(header).toHaveLength(2 + SHIPMENT_STATUSES.length + 5);
    expect(header).toContain("Packed, waiting for the carrier");
    const delivered = header.indexOf("Delivered");
    expect(parseCsvLine(lines[1]!).slice(0, 2)).toEqual(["2026-12-01", "2"]);
    expect(parseCsvLine(lines[1]!)[delivered]).toBe("2");
    expect(lines[3]).toBe("");
    expect(lines.slice(5, 8)).toEqual(["Carrier,UPS,3,2,50,2,4.3", "Service,UPS ground,3,2,50,2,4", "Lane,UPS US-NJ → US-NY,3,2,50,2,4"]);
    expect(lines.at(-1)).toBe("");
  });
});
