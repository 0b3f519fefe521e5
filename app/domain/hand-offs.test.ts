import { describe, expect, it } from "vitest";
import { afterShipHandOffs, easyPostHandOffs, HANDOFF_GRACE_MS, handOffLine, silenceScanClock, upsHandOffs } from "./hand-offs";

const USPS = "9400111202555842332669";
const HOUR = 3_600_000;

describe("hand-offs: reading what the sources send", () => {
  it("AfterShip next_couriers: the slug names the next carrier; the number is normalised like a shipment key", () => {
    expect(afterShipHandOffs([{ slug: "usps", tracking_number: "9400 1112 0255 5842 3326 69", source: "carrier" }], ["GM2951173225174494"])).toEqual([
      { carrierCode: "usps", carrierName: "USPS", trackingNumber: USPS },
    ]);
    // a slug Shipwatch has no code for: the number decides, and a number that reads as nobody's is "other"
    expect(afterShipHandOffs([{ slug: "dhl-ecommerce", tracking_number: USPS }], [])).toEqual([{ carrierCode: "usps", carrierName: "USPS", trackingNumber: USPS }]);
    // the same entry twice is one hand-off
    expect(afterShipHandOffs([{ slug: "usps", tracking_number: USPS }, { slug: "usps", tracking_number: USPS.toLowerCase() }], [])).toHaveLength(1);
  });

  it("malformed entries are dropped, never thrown", () => {
    for (const bad of [null, "usps", 42, {}, [null], [{ slug: 5, tracking_number: { x: 1 } }], [{ slug: "usps" }], [{ slug: "usps", tracking_number: "<script>" }], [{ slug: "usps", tracking_number: "ab" }], [{ slug: "usps", tracking_number: "x".repeat(101) }]]) {
      expect(afterShipHandOffs(bad, [])).toEqual([]);
    }
    for (const bad of [null, "detail", [USPS], { alternate_identifier: 94001112 }, { alternate_identifier: "" }, { alternate_identifier: "a b" }]) expect(easyPostHandOffs(bad, [])).toEqual([]);
    for (const bad of [null, { number: USPS }, [{ number: 5 }], ["x"]]) expect(upsHandOffs(bad, [])).toEqual([]);
  });

  it("the parcel's own number is not a hand-off", () => {
    expect(afterShipHandOffs([{ slug: "usps", tracking_number: USPS }], [USPS])).toEqual([]);
    expect(easyPostHandOffs({ alternate_identifier: ` ${USPS.toLowerCase()} ` }, [USPS])).toEqual([]);
  });

  it("EasyPost alternate_identifier: the carrier is read from the number", () => {
    expect(easyPostHandOffs({ object: "CarrierDetail", alternate_identifier: USPS, service: "Mail Innovations" }, ["1Z999AA10123456784"])).toEqual([
      { carrierCode: "usps", carrierName: "USPS", trackingNumber: USPS },
    ]);
  });

  it("UPS alternateTrackingNumber: only another carrier's number is a hand-off (UPS lists its own ids there too)", () => {
    expect(upsHandOffs([{ number: "1Z999AA10123456784", type: "P" }, { number: "MI-123456", type: "T" }, { number: USPS, type: "Q" }], ["1Z999AA10123456785"])).toEqual([
      { carrierCode: "usps", carrierName: "USPS", trackingNumber: USPS },
    ]);
  });
});

describe("hand-offs: silence between carriers", () => {
  const handedOffAt = 100 * HOUR;
  it("after a hand-off that no scan followed, silence is measured from the grace's end", () => {
    expect(silenceScanClock(handedOffAt - HOUR, handedOffAt)).toBe(handedOffAt + HANDOFF_GRACE_MS);
    expect(HANDOFF_GRACE_MS).toBe(48 * HOUR);
  });
  it("the next carrier's first scan puts the clock back on the scans", () => {
    expect(silenceScanClock(handedOffAt + HOUR, handedOffAt)).toBe(handedOffAt + HOUR);
  });
  it("no hand-off, or no scan at all: unchanged", () => {
    expect(silenceScanClock(5, null)).toBe(5);
    expect(silenceScanClock(5, undefined)).toBe(5);
    expect(silenceScanClock(null, handedOffAt)).toBeNull();
  });
  it("one plain line for the shopper", () => {
    expect(handOffLine({ carrierName: "USPS", trackingNumber: USPS })).toBe(`Handed to USPS, tracking ${USPS}`);
  });
});
