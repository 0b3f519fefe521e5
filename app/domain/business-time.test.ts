import { describe, expect, it } from "vitest";
import {
  carrierHolidays,
  DEFAULT_CARRIER_WORKDAYS,
  addBusinessDays,
  addBusinessHours,
  businessDaysBetween,
  businessHoursBetween,
  calendarFor,
  findPromisePolicy,
  isValidTimeZone,
  localDayBounds,
  localParts,
  promiseStanding,
  promisedBy,
  zonedTimeToUtc,
  type BusinessCalendar,
  type PromisePolicy,
  type PromiseStanding,
} from "./business-time";
import { CARRIERS, type CarrierCode } from "./carriers";
import type { ShipmentStatus } from "./status";

const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const MON_FRI = [1, 2, 3, 4, 5];
const MON_SAT = [1, 2, 3, 4, 5, 6];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const NY = "America/New_York";
const BERLIN = "Europe/Berlin";
const SYDNEY = "Australia/Sydney";
const KOLKATA = "Asia/Kolkata";
const cal = (timezone: string, workdays: readonly number[] = MON_FRI, holidays: readonly string[] = []): BusinessCalendar => ({
  timezone,
  workdays,
  holidays,
});

/** mulberry32: a small seeded PRNG, so the property loops are repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let r = Math.imul(a ^ (a >>> 15), 1 | a);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
}

describe("localParts", () => {
  it.each([
    ["2026-11-06T22:00:00Z", NY, { year: 2026, month: 11, day: 6, hour: 17, minute: 0, weekday: 5, isoDate: "2026-11-06" }],
    ["2026-11-06T22:00:00Z", BERLIN, { year: 2026, month: 11, day: 6, hour: 23, minute: 0, weekday: 5, isoDate: "2026-11-06" }],
    ["2026-11-06T22:00:00Z", SYDNEY, { year: 2026, month: 11, day: 7, hour: 9, minute: 0, weekday: 6, isoDate: "2026-11-07" }],
    ["2026-11-06T22:00:00Z", KOLKATA, { year: 2026, month: 11, day: 7, hour: 3, minute: 30, weekday: 6, isoDate: "2026-11-07" }],
    ["2026-11-06T22:00:00Z", "UTC", { year: 2026, month: 11, day: 6, hour: 22, minute: 0, weekday: 5, isoDate: "2026-11-06" }],
    ["2026-07-01T00:00:00Z", NY, { year: 2026, month: 6, day: 30, hour: 20, minute: 0, weekday: 2, isoDate: "2026-06-30" }],
    ["2026-01-01T05:00:00Z", NY, { year: 2026, month: 1, day: 1, hour: 0, minute: 0, weekday: 4, isoDate: "2026-01-01" }],
    ["2026-03-08T07:00:00Z", NY, { year: 2026, month: 3, day: 8, hour: 3, minute: 0, weekday: 0, isoDate: "2026-03-08" }],
  ])("%s in %s", (iso, zone, expected) => {
    expect(localParts(t(iso), zone)).toEqual(expected);
  });
});

describe("zonedTimeToUtc", () => {
  it.each([
    ["plain winter time", NY, { year: 2026, month: 11, day: 6, hour: 17 }, "2026-11-06T22:00:00.000Z"],
    ["plain summer time", NY, { year: 2026, month: 7, day: 4, hour: 12 }, "2026-07-04T16:00:00.000Z"],
    ["midnight by default", BERLIN, { year: 2026, month: 1, day: 15 }, "2026-01-14T23:00:00.000Z"],
    ["US spring-forward gap → the instant after the gap", NY, { year: 2026, month: 3, day: 8, hour: 2, minute: 30 }, "2026-03-08T07:00:00.000Z"],
    ["US fall-back overlap → first occurrence (EDT)", NY, { year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, "2026-11-01T05:30:00.000Z"],
    ["EU spring-forward gap", BERLIN, { year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, "2026-03-29T01:00:00.000Z"],
    ["EU fall-back overlap → first occurrence (CEST)", BERLIN, { year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, "2026-10-25T00:30:00.000Z"],
    ["Sydney spring-forward gap (October)", SYDNEY, { year: 2026, month: 10, day: 4, hour: 2, minute: 30 }, "2026-10-03T16:00:00.000Z"],
    ["Sydney fall-back overlap (April) → AEDT", SYDNEY, { year: 2026, month: 4, day: 5, hour: 2, minute: 30 }, "2026-04-04T15:30:00.000Z"],
    ["Kolkata +05:30", KOLKATA, { year: 2026, month: 6, day: 1 }, "2026-05-31T18:30:00.000Z"],
    ["UTC", "UTC", { year: 2026, month: 2, day: 28, hour: 23, minute: 59 }, "2026-02-28T23:59:00.000Z"],
    ["Santiago: midnight is in the gap, the day starts 01:00", "America/Santiago", { year: 2026, month: 9, day: 6 }, "2026-09-06T04:00:00.000Z"],
    ["fields roll over like Date.UTC", "UTC", { year: 2026, month: 1, day: 32 }, "2026-02-01T00:00:00.000Z"],
  ])("%s", (_name, zone, parts, expected) => {
    expect(new Date(zonedTimeToUtc(parts, zone)).toISOString()).toBe(expected);
  });

  it("round-trips localParts for random instants (the minute, or an hour earlier inside a fall-back overlap)", () => {
    const random = prng(20260308);
    const start = t("2026-01-01T00:00:00Z");
    for (let i = 0; i < 400; i++) {
      const zone = [NY, BERLIN, SYDNEY, KOLKATA, "UTC"][i % 5]!;
      const ms = start + Math.floor(random() * 366 * 24 * H);
      const parts = localParts(ms, zone);
      const back = zonedTimeToUtc(parts, zone);
      const minute = ms - (ms % 60_000);
      expect(localParts(back, zone)).toEqual(parts);
      expect([0, H]).toContain(minute - back);
    }
  });

  it("rejects fractional fields", () => {
    expect(() => zonedTimeToUtc({ year: 2026, month: 1, day: 1.5 }, "UTC")).toThrow(RangeError);
  });
});

describe("localDayBounds", () => {
  it.each([
    ["US spring forward", NY, "2026-03-08T12:00:00Z", 23],
    ["US fall back", NY, "2026-11-01T12:00:00Z", 25],
    ["ordinary US day", NY, "2026-11-02T12:00:00Z", 24],
    ["EU spring forward", BERLIN, "2026-03-29T12:00:00Z", 23],
    ["EU fall back", BERLIN, "2026-10-25T12:00:00Z", 25],
    ["Sydney spring forward (October)", SYDNEY, "2026-10-04T03:00:00Z", 23],
    ["Sydney fall back (April)", SYDNEY, "2026-04-05T03:00:00Z", 25],
    ["Kolkata (no DST)", KOLKATA, "2026-03-29T12:00:00Z", 24],
    ["Santiago, day starting at 01:00", "America/Santiago", "2026-09-06T12:00:00Z", 23],
  ])("%s (%s)", (_name, zone, iso, hours) => {
    const { start, end } = localDayBounds(t(iso), zone);
    expect((end - start) / H).toBe(hours);
    expect(start).toBeLessThanOrEqual(t(iso));
    expect(end).toBeGreaterThan(t(iso));
  });
});

describe("isValidTimeZone", () => {
  it.each([
    [NY, true],
    [KOLKATA, true],
    ["UTC", true],
    ["Mars/Olympus_Mons", false],
    ["", false],
  ])("%s → %s", (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe("DEFAULT_CARRIER_WORKDAYS / calendarFor", () => {
  it.each([
    ["ups", MON_SAT],
    ["usps", MON_SAT],
    ["fedex", MON_SAT],
    ["dhl", MON_FRI],
    ["canada_post", MON_FRI],
    ["amazon", EVERY_DAY],
    ["ontrac", MON_FRI],
    ["royal_mail", MON_FRI],
    ["australia_post", MON_FRI],
    ["purolator", MON_FRI],
    ["lasership", MON_FRI],
    ["other", MON_FRI],
  ] as const)("%s scans on %j", (carrier, days) => {
    expect(DEFAULT_CARRIER_WORKDAYS[carrier]).toEqual(days);
    expect(calendarFor({ timezone: NY, carrier }).workdays).toEqual(days);
  });

  it("covers every carrier, and only Amazon scans on Sundays", () => {
    const codes = Object.keys(CARRIERS) as CarrierCode[];
    expect(Object.keys(DEFAULT_CARRIER_WORKDAYS).sort()).toEqual([...codes].sort());
    expect(codes.filter((c) => DEFAULT_CARRIER_WORKDAYS[c].includes(0))).toEqual(["amazon"]);
  });

  it.each([
    ["the merchant's override for that carrier", { ups: [1, 2, 3, 4, 5] }, "ups", MON_FRI],
    ["the default when another carrier is overridden", { ups: [1, 2, 3, 4, 5] }, "usps", MON_SAT],
    ["the default when the override is empty (it would mute every alert)", { fedex: [] }, "fedex", MON_SAT],
    ["the valid days of a messy override, deduplicated and sorted", { dhl: [7, -1, 2.5, 3, 3, 0] }, "dhl", [0, 3]],
  ] as const)("uses %s", (_name, carrierWorkdays, carrier, expected) => {
    expect(calendarFor({ timezone: BERLIN, carrier, carrierWorkdays }).workdays).toEqual(expected);
  });

  it("keeps the zone and the well-formed holidays", () => {
    expect(calendarFor({ timezone: SYDNEY, carrier: "australia_post", holidays: ["2026-12-25", "2026-02-30", "xmas", "2026-01-26", "2026-12-25"] })).toEqual({
      timezone: SYDNEY,
      workdays: MON_FRI,
      holidays: ["2026-01-26", "2026-12-25"],
    });
    expect(calendarFor({ timezone: "UTC", carrier: "other" }).holidays).toEqual([]);
  });

  it("throws for an unknown zone", () => {
    expect(() => calendarFor({ timezone: "Mars/Olympus_Mons", carrier: "ups" })).toThrow(RangeError);
  });
});

describe("businessHoursBetween", () => {
  it.each([
    // weekends
    ["Fri 17:00 → Mon 09:00, New York, Mon–Fri", "2026-11-06T22:00:00Z", "2026-11-09T14:00:00Z", cal(NY), 16],
    ["same span, Mon–Sat carrier", "2026-11-06T22:00:00Z", "2026-11-09T14:00:00Z", cal(NY, MON_SAT), 40],
    ["same span, every day (plain elapsed time)", "2026-11-06T22:00:00Z", "2026-11-09T14:00:00Z", cal(NY, EVERY_DAY), 64],
    ["Sat 00:00 → Mon 00:00, Mon–Fri: nothing", "2026-11-07T05:00:00Z", "2026-11-09T05:00:00Z", cal(NY), 0],
    ["a Tue/Thu-only carrier over a week", "2026-11-02T05:00:00Z", "2026-11-09T05:00:00Z", cal(NY, [2, 4]), 48],
    // holidays
    ["Wed 12:00 → Fri 12:00 over Thanksgiving 2026-11-26", "2026-11-25T17:00:00Z", "2026-11-27T17:00:00Z", cal(NY, MON_FRI, ["2026-11-26"]), 24],
    ["the same span without the holiday", "2026-11-25T17:00:00Z", "2026-11-27T17:00:00Z", cal(NY), 48],
    ["a Saturday holiday for a Mon–Sat carrier", "2026-11-27T17:00:00Z", "2026-11-30T17:00:00Z", cal(NY, MON_SAT, ["2026-11-28"]), 24],
    ["that Saturday without the holiday", "2026-11-27T17:00:00Z", "2026-11-30T17:00:00Z", cal(NY, MON_SAT), 48],
    // zones: the same instants, different local days
    ["Fri 00:00Z → Sat 00:00Z in Sydney (Fri 10:00 → Sat 10:00)", "2026-06-05T00:00:00Z", "2026-06-06T00:00:00Z", cal(SYDNEY), 14],
    ["the same instants in Berlin (Fri 02:00 → Sat 02:00)", "2026-06-05T00:00:00Z", "2026-06-06T00:00:00Z", cal(BERLIN), 22],
    ["the same instants in New York (Thu 20:00 → Fri 20:00)", "2026-06-05T00:00:00Z", "2026-06-06T00:00:00Z", cal(NY), 24],
    ["the same instants in Kolkata (Fri 05:30 → Sat 05:30)", "2026-06-05T00:00:00Z", "2026-06-06T00:00:00Z", cal(KOLKATA), 18.5],
    ["Kolkata Sat 01:30 → Tue 01:30 (+05:30)", "2026-06-05T20:00:00Z", "2026-06-08T20:00:00Z", cal(KOLKATA), 25.5],
    ["the same instants in UTC (Fri 20:00 → Mon 20:00)", "2026-06-05T20:00:00Z", "2026-06-08T20:00:00Z", cal("UTC"), 24],
    ["Kolkata Fri 23:30 → Sat 00:30: half an hour", "2026-06-05T18:00:00Z", "2026-06-05T19:00:00Z", cal(KOLKATA), 0.5],
    // DST: whole local days count their real length
    ["US spring-forward Sunday 2026-03-08 is 23 hours", "2026-03-08T05:00:00Z", "2026-03-09T04:00:00Z", cal(NY, EVERY_DAY), 23],
    ["US weekend with spring forward: 24 + 23", "2026-03-07T05:00:00Z", "2026-03-09T04:00:00Z", cal(NY, EVERY_DAY), 47],
    ["US fall-back Sunday 2026-11-01 is 25 hours", "2026-11-01T04:00:00Z", "2026-11-02T05:00:00Z", cal(NY, EVERY_DAY), 25],
    ["EU spring-forward Sunday 2026-03-29 is 23 hours", "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", cal(BERLIN, EVERY_DAY), 23],
    ["EU fall-back Sunday 2026-10-25 is 25 hours", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", cal(BERLIN, EVERY_DAY), 25],
    ["Sydney spring-forward Sunday 2026-10-04 is 23 hours", "2026-10-03T14:00:00Z", "2026-10-04T13:00:00Z", cal(SYDNEY, EVERY_DAY), 23],
    ["Sydney fall-back Sunday 2026-04-05 is 25 hours", "2026-04-04T13:00:00Z", "2026-04-05T14:00:00Z", cal(SYDNEY, EVERY_DAY), 25],
    ["01:00 EST → 04:00 EDT on spring-forward night: 2 real hours", "2026-03-08T06:00:00Z", "2026-03-08T08:00:00Z", cal(NY, EVERY_DAY), 2],
    ["Fri 12:00 → Mon 12:00 across spring forward, Mon–Fri", "2026-03-06T17:00:00Z", "2026-03-09T16:00:00Z", cal(NY), 24],
    ["same span, Mon–Sat", "2026-03-06T17:00:00Z", "2026-03-09T16:00:00Z", cal(NY, MON_SAT), 48],
    // degenerate spans
    ["an empty span", "2026-11-04T12:00:00Z", "2026-11-04T12:00:00Z", cal(NY), 0],
    ["a backwards span", "2026-11-05T12:00:00Z", "2026-11-04T12:00:00Z", cal(NY), 0],
    ["a calendar with no workdays", "2026-11-02T12:00:00Z", "2026-11-09T12:00:00Z", cal(NY, []), 0],
  ])("%s", (_name, from, to, calendar, hours) => {
    expect(businessHoursBetween(t(from), t(to), calendar)).toBe(hours);
  });

  it("throws for a non-finite instant", () => {
    expect(() => businessHoursBetween(Number.NaN, 0, cal(NY))).toThrow(RangeError);
  });
});

describe("the weekend case: scanned Friday 18:00, silent until Monday 10:00 (New York)", () => {
  const lastScan = t("2026-11-06T23:00:00Z"); // Fri 18:00 EST
  const now = t("2026-11-09T15:00:00Z"); // Mon 10:00 EST
  it.each([
    ["dhl", 16, 48, false],
    ["canada_post", 16, 24, false],
    ["ups", 40, 48, false],
    ["usps", 40, 24, true],
    ["amazon", 64, 48, true],
  ] as const)("%s: %s business hours; past %s h → %s", (carrier, hours, threshold, stalled) => {
    const elapsed = businessHoursBetween(lastScan, now, calendarFor({ timezone: NY, carrier }));
    expect(elapsed).toBe(hours);
    expect(elapsed >= threshold).toBe(stalled);
  });
});

describe("addBusinessHours", () => {
  it.each([
    ["Fri 18:00 + 48 h, Mon–Fri → Tue 18:00", "2026-11-06T23:00:00Z", 48, cal(NY), "2026-11-10T23:00:00.000Z"],
    ["Fri 18:00 + 24 h, Mon–Sat → Sat 18:00", "2026-11-06T23:00:00Z", 24, cal(NY, MON_SAT), "2026-11-07T23:00:00.000Z"],
    ["Sat 10:00 + 1 h, Mon–Fri → Mon 01:00", "2026-11-07T15:00:00Z", 1, cal(NY), "2026-11-09T06:00:00.000Z"],
    ["running out exactly at Friday midnight → Saturday 00:00", "2026-11-06T23:00:00Z", 6, cal(NY), "2026-11-07T05:00:00.000Z"],
    ["Wed 12:00 + 24 h over Thanksgiving → Fri 12:00", "2026-11-25T17:00:00Z", 24, cal(NY, MON_FRI, ["2026-11-26"]), "2026-11-27T17:00:00.000Z"],
    ["Sat 00:00 + 30 h every day across US spring forward → Sun 07:00 EDT", "2026-03-07T05:00:00Z", 30, cal(NY, EVERY_DAY), "2026-03-08T11:00:00.000Z"],
    ["Kolkata Fri 23:30 + 1 h, Mon–Fri → Mon 00:30", "2026-06-05T18:00:00Z", 1, cal(KOLKATA), "2026-06-07T19:00:00.000Z"],
    ["zero hours → the same instant, even on a Sunday", "2026-11-08T15:00:00Z", 0, cal(NY), "2026-11-08T15:00:00.000Z"],
    ["a fraction of an hour", "2026-11-04T15:00:00Z", 0.25, cal(NY), "2026-11-04T15:15:00.000Z"],
  ])("%s", (_name, from, hours, calendar, expected) => {
    expect(new Date(addBusinessHours(t(from), hours, calendar)).toISOString()).toBe(expected);
  });

  it("is the inverse of businessHoursBetween, and the earliest such instant (seeded random instants)", () => {
    const random = prng(48);
    const zones = [NY, BERLIN, SYDNEY, KOLKATA, "UTC"];
    const calendars = [MON_FRI, MON_SAT, EVERY_DAY, [2, 4], [0, 6]];
    const holidays = ["2026-03-09", "2026-03-30", "2026-10-05", "2026-10-26", "2026-11-02", "2026-11-26", "2026-12-25"];
    const start = t("2026-01-01T00:00:00Z");
    for (let i = 0; i < 300; i++) {
      const calendar = cal(zones[i % zones.length]!, calendars[Math.floor(random() * calendars.length)]!, holidays.filter(() => random() < 0.5));
      const from = start + Math.floor(random() * 365 * 24 * H);
      const hours = random() < 0.3 ? Math.floor(random() * 120) : random() * 200;
      const until = addBusinessHours(from, hours, calendar);
      expect(Number.isInteger(until)).toBe(true);
      expect(Math.abs(businessHoursBetween(from, until, calendar) - hours) * H).toBeLessThanOrEqual(1);
      if (hours > 0) expect(businessHoursBetween(from, until - 1, calendar)).toBeLessThan(hours);
    }
  });

  it.each([
    ["negative hours", -1, cal(NY)],
    ["no workdays", 1, cal(NY, [])],
  ])("throws for %s", (_name, hours, calendar) => {
    expect(() => addBusinessHours(t("2026-11-04T12:00:00Z"), hours, calendar)).toThrow(RangeError);
  });
});

describe("businessDaysBetween", () => {
  const fridayToTuesday = ["2026-11-20T15:00:00Z", "2026-11-24T15:00:00Z"] as const; // Fri 10:00 → Tue 10:00 NY
  it.each([
    ["Fri → Tue with Monday a holiday", ...fridayToTuesday, cal(NY, MON_FRI, ["2026-11-23"]), 1],
    ["Fri → Tue", ...fridayToTuesday, cal(NY), 2],
    ["Fri → Tue, Mon–Sat", ...fridayToTuesday, cal(NY, MON_SAT), 3],
    ["the same local date, morning → night", "2026-11-20T13:00:00Z", "2026-11-21T01:00:00Z", cal(NY), 0],
    ["Fri 23:00 → Sat 01:00, Mon–Fri", "2026-11-21T04:00:00Z", "2026-11-21T06:00:00Z", cal(NY), 0],
    ["Fri 23:00 → Sat 01:00, Mon–Sat", "2026-11-21T04:00:00Z", "2026-11-21T06:00:00Z", cal(NY, MON_SAT), 1],
    ["Thanksgiving week, Mon → Mon", "2026-11-23T15:00:00Z", "2026-11-30T15:00:00Z", cal(NY, MON_FRI, ["2026-11-26"]), 4],
    ["backwards, Tue → Fri", "2026-11-24T15:00:00Z", "2026-11-20T15:00:00Z", cal(NY), -2],
    ["03:00Z → 06:00Z crosses midnight in New York (Thu → Fri)", "2026-11-06T03:00:00Z", "2026-11-06T06:00:00Z", cal(NY), 1],
    ["03:00Z → 06:00Z is one date in UTC", "2026-11-06T03:00:00Z", "2026-11-06T06:00:00Z", cal("UTC"), 0],
    ["Sydney Fri → Mon", "2026-11-05T22:00:00Z", "2026-11-08T22:00:00Z", cal(SYDNEY), 1],
  ])("%s", (_name, from, to, calendar, days) => {
    expect(businessDaysBetween(t(from), t(to), calendar)).toBe(days);
  });
});

describe("addBusinessDays", () => {
  it.each([
    ["Fri + 1 with Monday a holiday → end of Tuesday", "2026-11-20T15:00:00Z", 1, cal(NY, MON_FRI, ["2026-11-23"]), "2026-11-25T04:59:59.999Z"],
    ["Fri + 1 → end of Monday", "2026-11-20T15:00:00Z", 1, cal(NY), "2026-11-24T04:59:59.999Z"],
    ["Wed + 0 → end of Wednesday", "2026-11-18T15:00:00Z", 0, cal(NY), "2026-11-19T04:59:59.999Z"],
    ["Sat + 0 → end of the next business day", "2026-11-21T15:00:00Z", 0, cal(NY), "2026-11-24T04:59:59.999Z"],
    ["Wed + 3 over Thanksgiving → end of Tuesday", "2026-11-25T15:00:00Z", 3, cal(NY, MON_FRI, ["2026-11-26"]), "2026-12-02T04:59:59.999Z"],
    ["Fri + 1 across US spring forward → end of Monday in EDT", "2026-03-06T17:00:00Z", 1, cal(NY), "2026-03-10T03:59:59.999Z"],
    ["Fri + 1 across EU fall back → end of Monday in CET", "2026-10-23T10:00:00Z", 1, cal(BERLIN), "2026-10-26T22:59:59.999Z"],
    ["Kolkata Fri + 2", "2026-06-05T06:00:00Z", 2, cal(KOLKATA), "2026-06-09T18:29:59.999Z"],
  ])("%s", (_name, from, days, calendar, expected) => {
    const end = addBusinessDays(t(from), days, calendar);
    expect(new Date(end).toISOString()).toBe(expected);
    expect(localParts(end, calendar.timezone)).toMatchObject({ hour: 23, minute: 59 });
    expect(localParts(end + 1, calendar.timezone)).toMatchObject({ hour: 0, minute: 0 });
  });

  it.each([
    ["negative days", -1, cal(NY)],
    ["fractional days", 1.5, cal(NY)],
    ["no workdays", 1, cal(NY, [])],
  ])("throws for %s", (_name, days, calendar) => {
    expect(() => addBusinessDays(t("2026-11-04T12:00:00Z"), days, calendar)).toThrow(RangeError);
  });
});

describe("findPromisePolicy", () => {
  const express: PromisePolicy = { match: "Express", businessDays: 1, cutoffHour: 14 };
  const ground: PromisePolicy = { match: "ground", businessDays: 5, cutoffHour: 12 };
  const any: PromisePolicy = { match: "*", businessDays: 7, cutoffHour: 14 };
  const blank: PromisePolicy = { match: "  ", businessDays: 2, cutoffHour: 14 };
  it.each([
    ["a title substring, any case", [express, ground, any], [{ title: "UPS express saver", code: null }], express],
    ["a code substring, any case", [express, ground, any], [{ title: "Standard", code: "FEDEX_GROUND" }], ground],
    ["'*' when nothing specific matches", [express, ground, any], [{ title: "Standard", code: "std" }], any],
    ["policy order, not line order", [express, ground, any], [{ title: "Ground", code: null }, { title: "Express", code: null }], express],
    ["'*' first wins over a later specific match", [any, express], [{ title: "Express", code: null }], any],
    ["'*' even without shipping lines", [express, any], [], any],
    ["nothing when nothing matches", [express, ground], [{ title: "Standard", code: "std" }], null],
    ["nothing for null title and code", [express, ground], [{ title: null, code: null }], null],
    ["nothing for a blank match", [blank], [{ title: "Standard", code: "std" }], null],
    ["nothing without policies", [], [{ title: "Express", code: null }], null],
  ])("%s", (_name, policies, lines, expected) => {
    expect(findPromisePolicy(policies, lines)).toBe(expected);
  });
});

describe("promisedBy", () => {
  const threeDays: PromisePolicy = { match: "*", businessDays: 3, cutoffHour: 14 };
  const sameDay: PromisePolicy = { match: "*", businessDays: 0, cutoffHour: 14 };
  const nyShop = { timezone: NY, holidays: ["2026-11-26"] };
  it.each([
    ["Mon 10:00 before the cut-off → Thu", "2026-11-02T15:00:00Z", threeDays, nyShop, "2026-11-06T04:59:59.999Z"],
    ["Mon 13:59 is still before", "2026-11-02T18:59:00Z", threeDays, nyShop, "2026-11-06T04:59:59.999Z"],
    ["Mon 14:00 is at the cut-off: counts from Tue → Fri", "2026-11-02T19:00:00Z", threeDays, nyShop, "2026-11-07T04:59:59.999Z"],
    ["Mon 15:00 after the cut-off → Fri", "2026-11-02T20:00:00Z", threeDays, nyShop, "2026-11-07T04:59:59.999Z"],
    ["Fri 10:00 before the cut-off → Wed, over the weekend", "2026-11-06T15:00:00Z", threeDays, nyShop, "2026-11-12T04:59:59.999Z"],
    ["Fri 15:00 after the cut-off ships Mon → Thu", "2026-11-06T20:00:00Z", threeDays, nyShop, "2026-11-13T04:59:59.999Z"],
    ["Sat 09:00 ships Mon → Thu", "2026-11-07T14:00:00Z", threeDays, nyShop, "2026-11-13T04:59:59.999Z"],
    ["Tue before Thanksgiving → Mon (skips the holiday)", "2026-11-24T15:00:00Z", threeDays, nyShop, "2026-12-01T04:59:59.999Z"],
    ["the same order without the holiday → Fri", "2026-11-24T15:00:00Z", threeDays, { timezone: NY, holidays: [] }, "2026-11-28T04:59:59.999Z"],
    ["ordered on the holiday ships Fri → Wed", "2026-11-26T14:00:00Z", threeDays, nyShop, "2026-12-03T04:59:59.999Z"],
    ["18:30Z is 13:30 in New York: before the cut-off → Thu", "2026-11-02T18:30:00Z", threeDays, { timezone: NY, holidays: [] }, "2026-11-06T04:59:59.999Z"],
    ["18:30Z is 19:30 in Berlin: after the cut-off → Fri (Berlin)", "2026-11-02T18:30:00Z", threeDays, { timezone: BERLIN, holidays: [] }, "2026-11-06T22:59:59.999Z"],
    ["Fri 22:00Z is Sat 09:00 in Sydney → Thu (Sydney)", "2026-11-06T22:00:00Z", threeDays, { timezone: SYDNEY, holidays: [] }, "2026-11-12T12:59:59.999Z"],
    ["0 days before the cut-off → the same day", "2026-11-02T15:00:00Z", sameDay, nyShop, "2026-11-03T04:59:59.999Z"],
    ["0 days after the cut-off → the next business day", "2026-11-06T20:00:00Z", sameDay, nyShop, "2026-11-10T04:59:59.999Z"],
  ])("%s", (_name, orderedAt, policy, shop, expected) => {
    expect(new Date(promisedBy(t(orderedAt), policy, shop)).toISOString()).toBe(expected);
  });

  it.each([
    ["fractional business days", { match: "*", businessDays: 1.5, cutoffHour: 14 }],
    ["a cut-off past 24", { match: "*", businessDays: 1, cutoffHour: 25 }],
  ])("throws for %s", (_name, policy) => {
    expect(() => promisedBy(t("2026-11-02T15:00:00Z"), policy, nyShop)).toThrow(RangeError);
  });
});

describe("promiseStanding", () => {
  const thursday = t("2026-11-06T04:59:59.999Z"); // end of Thu 2026-11-05 in New York
  const monday = t("2026-11-10T04:59:59.999Z"); // end of Mon 2026-11-09 in New York
  const base = {
    promisedBy: thursday as number | null,
    estimatedDeliveryAt: null as number | null,
    deliveredAt: null as number | null,
    status: "in_transit" as ShipmentStatus,
    now: t("2026-11-03T15:00:00Z"), // Tue 10:00
    calendar: cal(NY),
  };
  it.each<[string, Partial<typeof base>, PromiseStanding, number]>([
    ["no promise", { promisedBy: null, deliveredAt: t("2026-11-10T15:00:00Z"), status: "delivered" }, "no_promise", 0],
    ["in transit with two days to go", {}, "on_track", 0],
    ["an ETA before the promise", { estimatedDeliveryAt: t("2026-11-05T05:00:00Z") }, "on_track", 0],
    ["the carrier's ETA is after the promise", { estimatedDeliveryAt: t("2026-11-06T17:00:00Z") }, "at_risk", 0],
    ["promise day, still in transit", { now: t("2026-11-05T14:00:00Z") }, "at_risk", 0],
    ["promise day, out for delivery", { now: t("2026-11-05T14:00:00Z"), status: "out_for_delivery" }, "on_track", 0],
    ["exactly one business day left (Thu 00:00)", { now: t("2026-11-05T05:00:00.000Z") }, "on_track", 0],
    ["a millisecond less than one business day left", { now: t("2026-11-05T05:00:00.001Z") }, "at_risk", 0],
    ["Saturday before a Monday promise: the weekend does not count", { promisedBy: monday, now: t("2026-11-07T17:00:00Z") }, "on_track", 0],
    ["Monday morning of a Monday promise", { promisedBy: monday, now: t("2026-11-09T14:00:00Z") }, "at_risk", 0],
    ["past the promise by a millisecond", { now: thursday + 1 }, "late", 1],
    ["Monday after a Thursday promise (Mon–Fri)", { now: t("2026-11-09T15:00:00Z") }, "late", 2],
    ["Monday after a Thursday promise (Mon–Sat)", { now: t("2026-11-09T15:00:00Z"), calendar: cal(NY, MON_SAT) }, "late", 3],
    ["late beats a late ETA", { now: t("2026-11-09T15:00:00Z"), estimatedDeliveryAt: t("2026-11-10T15:00:00Z") }, "late", 2],
    ["delivered Thursday evening", { deliveredAt: t("2026-11-06T01:00:00Z"), status: "delivered", now: t("2026-11-09T15:00:00Z") }, "delivered_on_time", 0],
    ["delivered at the promise's last millisecond", { deliveredAt: thursday, status: "delivered", now: t("2026-11-09T15:00:00Z") }, "delivered_on_time", 0],
    ["delivered on time despite a late ETA", { deliveredAt: t("2026-11-04T15:00:00Z"), estimatedDeliveryAt: t("2026-11-06T17:00:00Z"), status: "delivered", now: t("2026-11-04T16:00:00Z") }, "delivered_on_time", 0],
    ["delivered the Monday after", { deliveredAt: t("2026-11-09T15:00:00Z"), status: "delivered", now: t("2026-11-12T15:00:00Z") }, "delivered_late", 2],
    ["status delivered without a time, before the promise", { status: "delivered", now: t("2026-11-04T15:00:00Z") }, "delivered_on_time", 0],
    ["status delivered without a time, after the promise", { status: "delivered", now: t("2026-11-06T15:00:00Z") }, "delivered_late", 1],
  ])("%s → %s", (_name, overrides, standing, businessDaysLate) => {
    expect(promiseStanding({ ...base, ...overrides })).toEqual({ standing, businessDaysLate });
  });
});

describe("carrierHolidays", () => {
  it.each([
    { carrier: "ups", year: 2026, expected: ["2026-01-01", "2026-05-25", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25"] },
    { carrier: "fedex", year: 2027, expected: ["2027-01-01", "2027-05-31", "2027-07-05", "2027-09-06", "2027-11-25", "2027-12-24"] },
    {
      carrier: "usps",
      year: 2026,
      expected: ["2026-01-01", "2026-01-19", "2026-02-16", "2026-05-25", "2026-06-19", "2026-07-04", "2026-09-07", "2026-10-12", "2026-11-11", "2026-11-26", "2026-12-25"],
    },
    { carrier: "canada_post", year: 2026, expected: ["2026-01-01", "2026-04-03", "2026-05-18", "2026-07-01", "2026-09-07", "2026-10-12", "2026-11-11", "2026-12-25", "2026-12-28"] },
    { carrier: "canada_post", year: 2022, expected: ["2022-01-03", "2022-04-15", "2022-05-23", "2022-07-01", "2022-09-05", "2022-10-10", "2022-11-11", "2022-12-26", "2022-12-27"] },
    { carrier: "amazon", year: 2026, expected: [] },
  ] as { carrier: CarrierCode; year: number; expected: string[] }[])("$carrier $year", ({ carrier, year, expected }) => {
    expect(carrierHolidays(carrier, year)).toEqual(expected);
  });

  it("spans years, sorted, each date once", () => {
    const days = carrierHolidays("ups", 2026, 2027);
    expect(days).toHaveLength(12);
    expect([...days].sort()).toEqual(days);
    expect(carrierHolidays("ups", 2027, 2026)).toEqual([]);
  });

  it("makes Thanksgiving week one business day shorter on the carrier's calendar", () => {
    const plain = cal(NY, MON_SAT);
    const withHolidays = cal(NY, MON_SAT, carrierHolidays("ups", 2026));
    const from = Date.parse("2026-11-24T15:00:00Z");
    const to = Date.parse("2026-11-30T15:00:00Z");
    expect(businessDaysBetween(from, to, plain)).toBe(5);
    expect(businessDaysBetween(from, to, withHolidays)).toBe(4);
  });
});

describe("localParts reads the zone's offset once per hour, and agrees with Intl at every instant", () => {
  const zones = ["America/New_York", "Europe/London", "Asia/Kathmandu", "Australia/Lord_Howe", "America/St_Johns", "Pacific/Chatham", "Asia/Kolkata", "America/Sao_Paulo", "Africa/Casablanca", "UTC"];
  const formats = new Map(zones.map((zone) => [zone, new Intl.DateTimeFormat("en-US", { timeZone: zone, hourCycle: "h23", era: "short", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric" })]));
  function fromIntl(ms: number, timezone: string) {
    const parts = Object.fromEntries(
      formats
        .get(timezone)!
        .formatToParts(new Date(ms))
        .map((p) => [p.type, p.value]),
    );
    return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour) % 24, minute: Number(parts.minute) };
  }

  it("around every transition of 2026 (and in its hour, minute by minute)", () => {
    for (const zone of zones) {
      // every 3 hours of the year, then every minute of the hours around each change of offset
      const start = Date.UTC(2026, 0, 1);
      let previous: number | null = null;
      for (let ms = start; ms < Date.UTC(2027, 0, 1); ms += 3 * 3_600_000) {
        const parts = localParts(ms, zone);
        const expected = fromIntl(ms, zone);
        expect({ year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute }, `${zone} ${new Date(ms).toISOString()}`).toEqual(expected);
        const offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute) - ms;
        if (previous !== null && offset !== previous) {
          for (let m = ms - 3 * 3_600_000; m <= ms; m += 60_000) {
            const p = localParts(m + 59_999, zone);
            expect({ year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute }, `${zone} ${new Date(m + 59_999).toISOString()}`).toEqual(fromIntl(m + 59_999, zone));
          }
        }
        previous = offset;
      }
    }
  });

  it("at random instants from 1850 to 2200, where zones kept local mean time to the second", () => {
    let seed = 20261207;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 20_000; i++) {
      const zone = zones[Math.floor(random() * zones.length)]!;
      const ms = Math.round(Date.UTC(1850, 0, 1) + random() * (Date.UTC(2200, 0, 1) - Date.UTC(1850, 0, 1)));
      const parts = localParts(ms, zone);
      expect({ year: parts.year, month: parts.month, day: parts.day, hour: parts.hour, minute: parts.minute }, `${zone} ${ms}`).toEqual(fromIntl(ms, zone));
    }
  });
});

describe("localParts at the edges of what Date holds", () => {
  it("reads the last and first instants of time as Intl does, without asking about an hour past them", () => {
    const last = 8.64e15;
    expect(localParts(last, "America/New_York")).toMatchObject({ year: 275760, month: 9, day: 12, hour: 20 });
    expect(localParts(last - 1, "UTC")).toMatchObject({ year: 275760, month: 9, day: 12, hour: 23, minute: 59 });
    expect(localParts(-last, "UTC")).toMatchObject({ year: -271821, month: 4, day: 20, hour: 0 });
  });
});
