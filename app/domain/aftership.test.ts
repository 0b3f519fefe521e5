import { describe, expect, it } from "vitest";
import { AFTERSHIP_TABLE, afterShipCode, afterShipLocation, afterShipScanKey, afterShipSlugOf, normalizeAfterShip } from "./aftership";
import { SHIPMENT_STATUSES, STATUS_REASONS } from "./status";

/**
 * Golden fixtures: a checkpoint as AfterShip's webhook carries it (tag, subtag, message), and what Shipwatch reads
 * from it. Changing a row here changes what merchants and shoppers see.
 */
const GOLDEN: [tag: string | null, subtag: string | null, message: string | null, expected: { status: string; reason: string | null; mapped: boolean }][] = [
  ["Pending", "Pending_001", null, { status: "unknown", reason: null, mapped: true }],
  ["InfoReceived", "InfoReceived_001", "Shipment information received", { status: "label_created", reason: null, mapped: true }],
  ["InTransit", "InTransit_002", "Picked up by the carrier", { status: "picked_up", reason: null, mapped: true }],
  ["InTransit", "InTransit_001", "In transit", { status: "in_transit", reason: null, mapped: true }],
  ["InTransit", "InTransit_007", "Departed facility", { status: "in_transit", reason: null, mapped: true }],
  ["InTransit", "InTransit_006", "Clearance started", { status: "in_transit", reason: null, mapped: true }],
  ["OutForDelivery", "OutForDelivery_001", "Out for delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["AttemptFail", "AttemptFail_001", "Delivery attempted", { status: "attempted_delivery", reason: null, mapped: true }],
  ["AttemptFail", "AttemptFail_002", "Addressee not available", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["AttemptFail", "AttemptFail_003", "Business closed", { status: "attempted_delivery", reason: "business_closed", mapped: true }],
  ["Delivered", "Delivered_001", "Delivered", { status: "delivered", reason: null, mapped: true }],
  ["Delivered", "Delivered_002", "Picked up by customer", { status: "delivered", reason: null, mapped: true }],
  ["AvailableForPickup", "AvailableForPickup_001", "Ready for pickup at the post office", { status: "available_for_pickup", reason: null, mapped: true }],
  ["Exception", "Exception_003", "Refused by recipient", { status: "exception", reason: "refused", mapped: true }],
  ["Exception", "Exception_004", "Customs delay", { status: "delayed", reason: "customs", mapped: true }],
  ["Exception", "Exception_007", "Incorrect address", { status: "exception", reason: "address_issue", mapped: true }],
  ["Exception", "Exception_010", "Returning to sender", { status: "returning_to_sender", reason: null, mapped: true }],
  ["Exception", "Exception_011", "Returned to sender", { status: "returned_to_sender", reason: null, mapped: true }],
  ["Exception", "Exception_012", "Damaged", { status: "exception", reason: "damaged", mapped: true }],
  ["Exception", "Exception_013", "Lost", { status: "exception", reason: "lost", mapped: true }],
  ["Exception", "Exception_017", "Extreme weather", { status: "delayed", reason: "weather", mapped: true }],
  ["Expired", "Expired_001", "No information for 30 days", { status: "unknown", reason: null, mapped: true }],
  // a checkpoint with a tag and no subtag: the tag is the code
  ["InTransit", null, "In transit", { status: "in_transit", reason: null, mapped: true }],
  ["Exception", "", "Severe weather delay", { status: "exception", reason: "weather", mapped: true }],
  // codes nobody knows are unknown and unmapped: never "in transit"
  ["InTransit", "InTransit_099", "Beamed up", { status: "unknown", reason: null, mapped: false }],
  ["Teleported", null, "Beamed up", { status: "unknown", reason: null, mapped: false }],
];

describe("AfterShip code table (golden fixtures)", () => {
  it.each(GOLDEN)("%s / %s (%s)", (tag, subtag, message, expected) => {
    const read = normalizeAfterShip({ code: afterShipCode(tag, subtag), message });
    expect({ status: read.status, reason: read.reason, mapped: read.mapped }).toEqual(expected);
  });

  it("keeps the subtag as the code, lower-cased, and the tag alone without one", () => {
    expect(afterShipCode("Exception", "Exception_011")).toBe("exception_011");
    expect(afterShipCode("Delivered", null)).toBe("delivered");
    expect(afterShipCode(null, null)).toBeNull();
    expect(normalizeAfterShip({ code: "EXCEPTION_011" }).code).toBe("exception_011");
  });

  it("covers every tag, each code once, each mapped to a status and reason of ours", () => {
    for (const tag of ["pending", "inforeceived", "intransit", "outfordelivery", "attemptfail", "delivered", "availableforpickup", "exception", "expired"]) {
      expect(AFTERSHIP_TABLE.has(tag)).toBe(true);
    }
    for (const [code, reading] of AFTERSHIP_TABLE) {
      expect(SHIPMENT_STATUSES).toContain(reading.status);
      if (reading.reason) expect(STATUS_REASONS).toContain(reading.reason);
      // a subtag belongs to its tag's family
      if (code.includes("_")) expect(AFTERSHIP_TABLE.has(code.split("_")[0]!)).toBe(true);
    }
  });

  it("reads locations, scan keys and courier slugs", () => {
    expect(afterShipLocation({ city: "Reno", state: "NV", country_iso3: "USA" })).toBe("Reno, NV, USA");
    expect(afterShipLocation({ location: " Sorting centre " })).toBe("Sorting centre");
    expect(afterShipLocation({})).toBeNull();
    expect(afterShipScanKey("C1", { code: "intransit_001", message: null, happenedAt: 5, location: null })).toBe("aftership:C1:5:intransit_001");
    expect(afterShipSlugOf("canada_post")).toBe("canada-post");
    expect(afterShipSlugOf("other")).toBeNull();
  });
});
