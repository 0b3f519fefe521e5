import { describe, expect, it } from "vitest";
import { normalizeShipEngine, SHIPENGINE_DETAIL_TABLE, SHIPENGINE_STATUS_TABLE, shipEngineCarrierOf, shipEngineCode, shipEngineLocation, shipEngineScanKey } from "./shipengine";
import { SHIPMENT_STATUSES, STATUS_REASONS } from "./status";

/**
 * Golden fixtures: an event as ShipEngine's `track` webhook carries it (status_code, status_detail_code, description),
 * and what Shipwatch reads from it. Changing a row here changes what merchants and shoppers see.
 */
const GOLDEN: [status: string | null, detail: string | null, message: string | null, expected: { status: string; reason: string | null; mapped: boolean }][] = [
  ["NY", null, "Shipper created a label, UPS has not received the package yet.", { status: "label_created", reason: null, mapped: true }],
  ["NY", "AWAITING_ELECTRONIC_ADVICE", "Label created", { status: "label_created", reason: null, mapped: true }],
  ["AC", null, "Accepted at USPS Origin Facility", { status: "picked_up", reason: null, mapped: true }],
  ["AC", "COLLECTION_MADE", "Picked up", { status: "picked_up", reason: null, mapped: true }],
  ["IT", null, "Departed USPS Regional Facility", { status: "in_transit", reason: null, mapped: true }],
  ["IT", "HUB_SCAN_OUT", "Departed facility", { status: "in_transit", reason: null, mapped: true }],
  ["IT", "CUSTOMS_PROCESSING", "Clearance in progress", { status: "in_transit", reason: null, mapped: true }],
  ["IT", "OUT_FOR_DELIVERY", "Out for Delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["IT", "CARRIER_DELAYS", "Delayed in transit", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["IT", null, "Delayed due to severe weather", { status: "delayed", reason: "weather", mapped: true }],
  ["AT", null, "Delivery attempted", { status: "attempted_delivery", reason: null, mapped: true }],
  ["AT", "CUSTOMER_CARDED", "Notice left (no authorized recipient available)", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["DE", null, "Delivered, In/At Mailbox", { status: "delivered", reason: null, mapped: true }],
  ["DE", "DELIVERED_TO_NEIGHBOUR", "Delivered to neighbour", { status: "delivered", reason: null, mapped: true }],
  ["SP", null, "Available for pickup at the Post Office", { status: "available_for_pickup", reason: null, mapped: true }],
  ["EX", null, "Exception", { status: "exception", reason: null, mapped: true }],
  ["EX", "PARCEL_LOST", "Parcel lost", { status: "exception", reason: "lost", mapped: true }],
  ["EX", "PARCEL_DAMAGED", "Damaged", { status: "exception", reason: "damaged", mapped: true }],
  ["EX", "HELD_BY_IMPORT_CUSTOMS", "Held in customs", { status: "exception", reason: "customs", mapped: true }],
  ["EX", "REFUSED_BY_CUSTOMER", "Refused", { status: "returning_to_sender", reason: "refused", mapped: true }],
  ["EX", "RETURN_TO_SENDER", "Returning to sender", { status: "returning_to_sender", reason: null, mapped: true }],
  ["EX", "ADDRESS_QUERY", "Address problem", { status: "delayed", reason: "address_issue", mapped: true }],
  ["UN", null, "Unknown", { status: "unknown", reason: null, mapped: true }],
  // ShipEngine could not read the carrier: the coarse status stands
  ["IT", "CARRIER_STATUS_NOT_MAPPED", "Processing", { status: "in_transit", reason: null, mapped: true }],
  // codes nobody knows are unknown and unmapped: never "in transit"
  ["IT", "TELEPORTED", "Beamed up", { status: "unknown", reason: null, mapped: false }],
  ["ZZ", null, "Beamed up", { status: "unknown", reason: null, mapped: false }],
];

describe("ShipEngine code table (golden fixtures)", () => {
  it.each(GOLDEN)("%s / %s (%s)", (status, detail, message, expected) => {
    const read = normalizeShipEngine({ code: shipEngineCode(status, detail), message });
    expect({ status: read.status, reason: read.reason, mapped: read.mapped }).toEqual(expected);
  });

  it("keeps status_code/status_detail_code as the code, lower-cased, and the status alone without a detail", () => {
    expect(shipEngineCode("EX", "PARCEL_LOST")).toBe("ex/parcel_lost");
    expect(shipEngineCode("DE", null)).toBe("de");
    expect(shipEngineCode(null, " ")).toBeNull();
    expect(normalizeShipEngine({ code: "EX/PARCEL_LOST" }).code).toBe("ex/parcel_lost");
    expect(normalizeShipEngine({ code: null })).toMatchObject({ status: "unknown", mapped: true });
  });

  it("covers the eight status codes, each detail once, each mapped to a status and reason of ours", () => {
    expect([...SHIPENGINE_STATUS_TABLE.keys()].sort()).toEqual(["ac", "at", "de", "ex", "it", "ny", "sp", "un"]);
    for (const [, reading] of SHIPENGINE_DETAIL_TABLE) {
      if (reading.status) expect(SHIPMENT_STATUSES).toContain(reading.status);
      if (reading.reason) expect(STATUS_REASONS).toContain(reading.reason);
    }
  });

  it("reads locations, scan keys and carrier codes", () => {
    expect(shipEngineLocation({ city_locality: "AUSTIN", state_province: "TX", country_code: "US" })).toBe("AUSTIN, TX, US");
    expect(shipEngineLocation({ city_locality: "", state_province: null })).toBeNull();
    expect(shipEngineScanKey("C1", { code: "it", message: null, happenedAt: 5, location: null })).toBe("shipengine:C1:5:it");
    expect(shipEngineCarrierOf("usps")).toBe("stamps_com");
    expect(shipEngineCarrierOf("other")).toBeNull();
  });
});
