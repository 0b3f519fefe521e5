import { describe, expect, it } from "vitest";
import { EASYPOST_DETAIL_TABLE, EASYPOST_STATUS_TABLE, easyPostCarrierOf, easyPostCode, easyPostLocation, easyPostScanKey, normalizeEasyPost } from "./easypost";
import { buildTable } from "./normalize";
import { SHIPMENT_STATUSES } from "./status";

/**
 * Golden fixtures: a scan as EasyPost's Tracker carries it (`tracking_details[]`: status, status_detail, message),
 * and what Shipwatch reads from it. Changing a row here changes what merchants and shoppers see.
 */
const GOLDEN: [status: string | null, detail: string | null, message: string | null, expected: { status: string; reason: string | null; mapped: boolean }][] = [
  ["pre_transit", "label_created", "Shipping Label Created", { status: "label_created", reason: null, mapped: true }],
  ["pre_transit", "awaiting_information", "Awaiting package", { status: "label_created", reason: null, mapped: true }],
  ["in_transit", "received_at_origin_facility", "Package acceptance pending", { status: "picked_up", reason: null, mapped: true }],
  ["in_transit", "arrived_at_facility", "Arrived at USPS Regional Origin Facility", { status: "in_transit", reason: null, mapped: true }],
  ["in_transit", "departed_facility", "Departed Facility", { status: "in_transit", reason: null, mapped: true }],
  ["in_transit", "weather_delay", "Delayed due to severe weather", { status: "delayed", reason: "weather", mapped: true }],
  ["in_transit", "delayed", "Shipment delayed", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["in_transit", "missorted", "Package was missorted", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["in_transit", "address_correction", "Address corrected", { status: "in_transit", reason: "address_issue", mapped: true }],
  ["in_transit", "held", "Held at carrier facility", { status: "in_transit", reason: "held_at_facility", mapped: true }],
  ["in_transit", "status_update", "Customs clearance in progress", { status: "in_transit", reason: null, mapped: true }],
  ["out_for_delivery", "out_for_delivery", "Out for Delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["out_for_delivery", "delivery_exception", "Notice left, no authorized recipient available", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["available_for_pickup", "arrived_at_pickup_location", "Available for pickup at Post Office", { status: "available_for_pickup", reason: null, mapped: true }],
  ["in_transit", "arrived_at_pickup_location", "Arrived at pickup point", { status: "available_for_pickup", reason: null, mapped: true }],
  ["delivered", "arrived_at_destination", "Delivered, In/At Mailbox", { status: "delivered", reason: null, mapped: true }],
  // a settled status is not moved by a detail
  ["delivered", "delayed", "Delivered", { status: "delivered", reason: null, mapped: true }],
  ["return_to_sender", "return", "Return to sender in progress", { status: "returning_to_sender", reason: null, mapped: true }],
  ["return_to_sender", "return", "Delivered, returned to sender", { status: "returned_to_sender", reason: null, mapped: true }],
  ["return_to_sender", "refused", "Refused by recipient", { status: "returning_to_sender", reason: "refused", mapped: true }],
  ["failure", "lost", "Package could not be located", { status: "exception", reason: "lost", mapped: true }],
  ["failure", "damaged", "Damaged in transit", { status: "exception", reason: "damaged", mapped: true }],
  ["failure", "refused", "Recipient refused delivery", { status: "exception", reason: "refused", mapped: true }],
  ["in_transit", "transit_exception", "Exception: unable to proceed", { status: "exception", reason: null, mapped: true }],
  ["cancelled", "cancelled", "Label cancelled", { status: "exception", reason: null, mapped: true }],
  ["error", "unknown", null, { status: "unknown", reason: null, mapped: true }],
  ["unknown", "unknown", null, { status: "unknown", reason: null, mapped: true }],
  ["in_transit", null, "In transit", { status: "in_transit", reason: null, mapped: true }],
  // codes nobody knows are unknown and unmapped: never "in transit"
  ["teleported", "unknown", "Beamed to the destination", { status: "unknown", reason: null, mapped: false }],
  ["in_transit", "quantum_tunnelled", "In transit", { status: "unknown", reason: null, mapped: false }],
];

describe("EasyPost code table (golden fixtures)", () => {
  it.each(GOLDEN)("%s/%s (%s)", (status, detail, message, expected) => {
    const read = normalizeEasyPost({ code: easyPostCode(status, detail), message });
    expect({ status: read.status, reason: read.reason, mapped: read.mapped }).toEqual(expected);
  });

  it("keeps the raw code as status/status_detail, lower-cased, and the status alone without a detail", () => {
    expect(easyPostCode("In_Transit", "Arrived_At_Facility")).toBe("in_transit/arrived_at_facility");
    expect(easyPostCode("delivered", null)).toBe("delivered");
    expect(easyPostCode(null, null)).toBeNull();
    expect(normalizeEasyPost({ code: "IN_TRANSIT/DEPARTED_FACILITY" }).code).toBe("in_transit/departed_facility");
  });

  it("covers EasyPost's whole vocabulary, each code once, each mapped to a status of ours", () => {
    expect([...EASYPOST_STATUS_TABLE.keys()].sort()).toEqual(
      ["available_for_pickup", "cancelled", "delivered", "error", "failure", "in_transit", "out_for_delivery", "pre_transit", "return_to_sender", "unknown"].sort(),
    );
    expect(EASYPOST_DETAIL_TABLE.size).toBe(28);
    for (const status of EASYPOST_STATUS_TABLE.values()) expect(SHIPMENT_STATUSES).toContain(status);
    for (const d of EASYPOST_DETAIL_TABLE.values()) if (d.status) expect(SHIPMENT_STATUSES).toContain(d.status);
    expect(() => buildTable([["held", 1], ["HELD ", 2]])).toThrow(/Duplicate code "held"/);
  });

  it("writes a scan's place as Shopify's events do, and keys a scan stably", () => {
    expect(easyPostLocation({ city: "Toronto", state: "ON", country: "CA", zip: "M5V" })).toBe("Toronto, ON, CA");
    expect(easyPostLocation({ city: null, state: null, country: null })).toBeNull();
    expect(easyPostLocation(null)).toBeNull();
    const scan = { code: "in_transit/arrived_at_facility", message: "Arrived", happenedAt: 1, location: null };
    expect(easyPostScanKey("1LS123", scan)).toBe(easyPostScanKey("1LS123", { ...scan, message: "changed wording" }));
    expect(easyPostScanKey("1LS123", scan)).not.toBe(easyPostScanKey("1LS123", { ...scan, happenedAt: 2 }));
  });

  it("names carriers as EasyPost's tracker API does, and lets EasyPost detect the rest", () => {
    expect(easyPostCarrierOf("ontrac")).toBe("OnTrac");
    expect(easyPostCarrierOf("lasership")).toBe("LaserShip");
    expect(easyPostCarrierOf("other")).toBeNull();
  });
});
