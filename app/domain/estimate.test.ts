import { describe, expect, it } from "vitest";
import { localParts } from "./business-time";
import { bestEstimate, daysBetween, type EstimatedDelivery, type EstimateInput } from "./estimate";
import { SHIPMENT_STATUSES } from "./status";

const at = (iso: string) => Date.parse(iso);
const NY = "America/New_York";
const TOKYO = "Asia/Tokyo";
// 5 December 2026, 10:00 in New York
const NOW = at("2026-12-05T15:00:00Z");

const base: EstimateInput = { now: NOW, zone: NY, status: "in_transit", deliveredAt: null, carrierEta: null, learned: null, promise: null };
const est = (over: Partial<EstimateInput>) => bestEstimate({ ...base, ...over });
const day = (d: string, source: EstimatedDelivery["source"]): EstimatedDelivery => ({ earliest: d, latest: d, source });
/** the end of a promised day in New York, as promisedBy gives it */
const promiseOn = (d: string) => ({ by: at(`${d}T23:59:59.999-05:00`), zone: NY });

describe("bestEstimate: the best source that has not passed", () => {
  it.each<[string, Partial<EstimateInput>, EstimatedDelivery | null]>([
    ["the carrier's date first", { carrierEta: at("2026-12-09T00:00:00Z"), learned: { earliest: at("2026-12-07T17:00:00Z"), latest: at("2026-12-08T17:00:00Z") }, promise: promiseOn("2026-12-10") }, day("2026-12-09", "carrier")],
    ["the carrier's date today is not passed", { carrierEta: at("2026-12-05T00:00:00Z") }, day("2026-12-05", "carrier")],
    ["a passed carrier date gives way to the learned window", { carrierEta: at("2026-12-02T00:00:00Z"), learned: { earliest: at("2026-12-06T17:00:00Z"), latest: at("2026-12-08T17:00:00Z") }, promise: promiseOn("2026-12-10") }, { earliest: "2026-12-06", latest: "2026-12-08", source: "learned" }],
    ["…and without one to the promise", { carrierEta: at("2026-12-02T00:00:00Z"), promise: promiseOn("2026-12-07") }, day("2026-12-07", "promise")],
    ["…and with every source passed, to none", { carrierEta: at("2026-12-02T00:00:00Z"), learned: { earliest: at("2026-12-01T17:00:00Z"), latest: at("2026-12-03T17:00:00Z") }, promise: promiseOn("2026-12-04") }, null],
    ["no source at all: none", {}, null],
    ["a learned window that began yesterday starts today", { learned: { earliest: at("2026-12-04T17:00:00Z"), latest: at("2026-12-06T17:00:00Z") } }, { earliest: "2026-12-05", latest: "2026-12-06", source: "learned" }],
    ["a learned window wider than three days is not shown", { learned: { earliest: at("2026-12-06T17:00:00Z"), latest: at("2026-12-09T17:00:00Z") }, promise: promiseOn("2026-12-10") }, day("2026-12-10", "promise")],
    ["a learned window of exactly three days is", { learned: { earliest: at("2026-12-06T17:00:00Z"), latest: at("2026-12-08T17:00:00Z") } }, { earliest: "2026-12-06", latest: "2026-12-08", source: "learned" }],
    ["an inverted learned window is ignored", { learned: { earliest: at("2026-12-08T17:00:00Z"), latest: at("2026-12-06T17:00:00Z") } }, null],
    ["a parcel on its way back: no date", { status: "returning_to_sender", carrierEta: at("2026-12-09T00:00:00Z") }, null],
    ["a delivered parcel keeps what was estimated, even passed", { status: "delivered", deliveredAt: at("2026-12-04T18:00:00Z"), carrierEta: at("2026-12-03T00:00:00Z") }, day("2026-12-03", "carrier")],
    ["a delivered parcel keeps the estimate the shopper was last shown", { status: "delivered", deliveredAt: at("2026-12-04T18:00:00Z"), promise: promiseOn("2026-12-07"), previous: day("2026-12-03", "carrier") }, day("2026-12-03", "carrier")],
  ])("GIVEN %s", (_what, input, expected) => {
    expect(est(input).estimatedDelivery).toEqual(expected);
  });
});

describe("bestEstimate: days in the recipient's zone", () => {
  it("GIVEN a carrier date sent as midnight UTC THEN that date, also west of Greenwich", () => {
    // read as an instant in New York this would be 23 November, the day before the carrier's date
    expect(est({ now: at("2026-11-20T15:00:00Z"), carrierEta: at("2026-11-24T00:00:00Z") }).estimatedDelivery).toEqual(day("2026-11-24", "carrier"));
  });

  it("GIVEN a carrier time THEN the recipient's day of it", () => {
    const eta = at("2026-12-08T20:00:00Z"); // 15:00 in New York, 05:00 on the 9th in Tokyo
    expect(est({ carrierEta: eta, zone: NY }).estimatedDelivery).toEqual(day("2026-12-08", "carrier"));
    expect(est({ carrierEta: eta, zone: TOKYO }).estimatedDelivery).toEqual(day("2026-12-09", "carrier"));
  });

  it("GIVEN a promise counted in the shop's zone THEN the same day for a shopper in Tokyo", () => {
    expect(est({ zone: TOKYO, promise: promiseOn("2026-12-10") }).estimatedDelivery).toEqual(day("2026-12-10", "promise"));
  });

  it("GIVEN today in the recipient's zone THEN it decides what has passed (the shop's today may differ)", () => {
    // 2026-12-05T16:00Z is the 6th in Tokyo already: a carrier date of the 5th has passed there, not in New York
    const now = at("2026-12-05T16:00:00Z");
    expect(est({ now, zone: NY, carrierEta: at("2026-12-05T00:00:00Z") }).estimatedDelivery).toEqual(day("2026-12-05", "carrier"));
    expect(est({ now, zone: TOKYO, carrierEta: at("2026-12-05T00:00:00Z") }).estimatedDelivery).toBeNull();
  });

  it("GIVEN an estimate THEN estimatedDeliveryAt is the end of its last day there", () => {
    const r = est({ carrierEta: at("2026-12-09T00:00:00Z") });
    expect(r.estimatedDeliveryAt).toBe("2026-12-10T04:59:59.999Z");
    expect(est({ zone: TOKYO, carrierEta: at("2026-12-09T00:00:00Z") }).estimatedDeliveryAt).toBe("2026-12-09T14:59:59.999Z");
    expect(est({}).estimatedDeliveryAt).toBeNull();
  });
});

describe("bestEstimate: moved later", () => {
  const previous = day("2026-12-07", "carrier");
  it.each<[string, Partial<EstimateInput>, EstimatedDelivery | null]>([
    ["a later carrier date", { carrierEta: at("2026-12-09T00:00:00Z"), previous }, previous],
    ["the same date", { carrierEta: at("2026-12-07T00:00:00Z"), previous }, null],
    ["an earlier date", { carrierEta: at("2026-12-06T00:00:00Z"), previous }, null],
    ["a later window from another source", { learned: { earliest: at("2026-12-07T17:00:00Z"), latest: at("2026-12-08T17:00:00Z") }, previous }, previous],
    ["no estimate any more", { previous }, null],
    ["a passed previous estimate replaced by a later one", { now: at("2026-12-08T15:00:00Z"), promise: promiseOn("2026-12-09"), previous }, previous],
    ["a malformed previous estimate", { carrierEta: at("2026-12-09T00:00:00Z"), previous: { earliest: "7 Dec", latest: "2026-12-07", source: "carrier" } }, null],
  ])("GIVEN %s THEN movedFrom", (_what, input, expected) => {
    expect(est(input).movedFrom).toEqual(expected);
  });
});

describe("bestEstimate: invariants over every status, source and hour", () => {
  it("GIVEN any undelivered parcel at any hour THEN no passed date, a window of at most three days, and an instant not yet passed", () => {
    const zones = [NY, TOKYO, "Pacific/Kiritimati", "Pacific/Pago_Pago", "Europe/London"];
    const start = at("2026-12-01T00:00:00Z");
    let checked = 0;
    for (const status of SHIPMENT_STATUSES) {
      if (status === "delivered") continue;
      for (const zone of zones) {
        for (let h = 0; h < 24 * 8; h += 5) {
          const now = start + h * 3_600_000;
          // sources spread from three days before to four days after now
          const carrierEta = start + ((h * 7) % (24 * 7)) * 3_600_000 - 3 * 86_400_000;
          const learned = { earliest: now + ((h % 5) - 3) * 86_400_000, latest: now + ((h % 5) - 1) * 86_400_000 };
          const promise = { by: now + ((h % 9) - 4) * 86_400_000, zone: NY };
          for (const input of [{ carrierEta }, { learned }, { promise }, { carrierEta, learned, promise }]) {
            const r = bestEstimate({ ...base, status, zone, now, ...input });
            const e = r.estimatedDelivery;
            if (!e) continue;
            const today = localParts(now, zone).isoDate;
            expect(e.latest >= today, `${status} ${zone} ${new Date(now).toISOString()}`).toBe(true);
            expect(e.earliest >= today && e.earliest <= e.latest).toBe(true);
            expect(daysBetween(e.earliest, e.latest)).toBeLessThan(3);
            expect(Date.parse(r.estimatedDeliveryAt!)).toBeGreaterThan(now);
            expect(localParts(Date.parse(r.estimatedDeliveryAt!), zone).isoDate).toBe(e.latest);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
