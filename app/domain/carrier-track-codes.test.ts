import { describe, expect, it } from "vitest";
import { carrierPlace, carrierScanKey } from "./carrier-apis";
import { DHL_STATUS_TABLE, normalizeDhl } from "./dhl-track";
import { FEDEX_EVENT_TABLE, normalizeFedEx } from "./fedex-track";
import { buildTable, type NormalizedStatus } from "./normalize";
import { SHIPMENT_STATUSES } from "./status";
import { normalizeUps, UPS_ACTIVITY_TABLE, UPS_TYPE_TABLE, upsCode } from "./ups-track";
import { normalizeUsps, USPS_EVENT_TABLE } from "./usps-track";

/**
 * Golden fixtures: a scan as each carrier's Track API carries it (its code and words, as in the recorded-style
 * fixtures of scripts/local-services/fake-carrier-apis.ts) and what Shipwatch reads from it. Changing a row here
 * changes what merchants and shoppers see.
 */
type Expected = { status: string; reason: string | null; mapped: boolean };
const read = (n: NormalizedStatus): Expected => ({ status: n.status, reason: n.reason, mapped: n.mapped });

const UPS: [type: string, code: string | null, message: string, expected: Expected][] = [
  ["M", "MP", "Shipper created a label, UPS has not received the package yet.", { status: "label_created", reason: null, mapped: true }],
  ["P", "PU", "Pickup Scan", { status: "picked_up", reason: null, mapped: true }],
  ["I", "OR", "Origin Scan", { status: "picked_up", reason: null, mapped: true }],
  ["I", "AR", "Arrived at Facility", { status: "in_transit", reason: null, mapped: true }],
  ["I", "DP", "Departed from Facility", { status: "in_transit", reason: null, mapped: true }],
  ["I", "OT", "Out For Delivery Today", { status: "out_for_delivery", reason: null, mapped: true }],
  ["O", null, "Out For Delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["D", "KB", "Delivered", { status: "delivered", reason: null, mapped: true }],
  // an activity code never moves a delivered parcel
  ["D", "OT", "DELIVERED", { status: "delivered", reason: null, mapped: true }],
  ["X", "48", "The receiver was not available for delivery. We'll make a second attempt the next business day.", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["X", "BC", "The business was closed at the time of the delivery attempt.", { status: "attempted_delivery", reason: "business_closed", mapped: true }],
  // a weather hold under UPS's exception type is a delay, as Shopify, EasyPost and AfterShip read the same scan
  ["X", "WX", "Severe weather conditions have delayed delivery.", { status: "delayed", reason: "weather", mapped: true }],
  // a customs hold under it stays an exception: it may need the shopper's papers
  ["X", "CU", "The package is being held by customs: import documents are required.", { status: "exception", reason: "customs", mapped: true }],
  ["X", "AI", "The address is incorrect. UPS is attempting to update the address.", { status: "exception", reason: "address_issue", mapped: true }],
  ["I", "AR", "Delayed: your package is running late", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["RS", "RS", "Returning to sender: the receiver refused the delivery.", { status: "returning_to_sender", reason: "refused", mapped: true }],
  ["I", "ZP", "Delivered to UPS Access Point™ and awaiting customer pickup", { status: "available_for_pickup", reason: null, mapped: true }],
  ["MV", null, "Shipment voided", { status: "exception", reason: null, mapped: true }],
  ["NA", null, "", { status: "unknown", reason: null, mapped: true }],
  // a type nobody documented is unknown and unmapped: never "in transit"
  ["Q", "ZZ", "Teleported", { status: "unknown", reason: null, mapped: false }],
];

const USPS: [code: string, message: string, expected: Expected][] = [
  ["GX", "Shipping Label Created, USPS Awaiting Item", { status: "label_created", reason: null, mapped: true }],
  ["MA", "Pre-Shipment Info Sent to USPS, USPS Awaiting Item", { status: "label_created", reason: null, mapped: true }],
  ["OA", "USPS in possession of item", { status: "picked_up", reason: null, mapped: true }],
  ["10", "Arrived at USPS Regional Origin Facility", { status: "in_transit", reason: null, mapped: true }],
  ["L1", "Departed USPS Regional Facility", { status: "in_transit", reason: null, mapped: true }],
  ["NT", "In Transit, Arriving Late", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["OF", "Out for Delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["01", "Delivered, In/At Mailbox", { status: "delivered", reason: null, mapped: true }],
  ["02", "Notice Left (No Authorized Recipient Available)", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["51", "Business Closed", { status: "attempted_delivery", reason: "business_closed", mapped: true }],
  ["16", "Available for Pickup", { status: "available_for_pickup", reason: null, mapped: true }],
  ["21", "No Such Number", { status: "exception", reason: "address_issue", mapped: true }],
  ["04", "Refused", { status: "returning_to_sender", reason: "refused", mapped: true }],
  ["09", "Return to Sender Processed", { status: "returning_to_sender", reason: null, mapped: true }],
  ["09", "Delivered, To Original Sender", { status: "returned_to_sender", reason: null, mapped: true }],
  ["ZX", "Beamed", { status: "unknown", reason: null, mapped: false }],
];

const FEDEX: [code: string, message: string, expected: Expected][] = [
  ["OC", "Shipment information sent to FedEx", { status: "label_created", reason: null, mapped: true }],
  ["PU", "Picked up", { status: "picked_up", reason: null, mapped: true }],
  ["AR", "Arrived at FedEx location", { status: "in_transit", reason: null, mapped: true }],
  ["DP", "Departed FedEx location", { status: "in_transit", reason: null, mapped: true }],
  ["CP", "International shipment release - Import: clearance in progress", { status: "in_transit", reason: null, mapped: true }],
  ["CD", "Clearance delay - Import", { status: "delayed", reason: "customs", mapped: true }],
  ["DY", "Delay", { status: "delayed", reason: "carrier_delay", mapped: true }],
  ["OD", "On FedEx vehicle for delivery", { status: "out_for_delivery", reason: null, mapped: true }],
  ["DL", "Delivered", { status: "delivered", reason: null, mapped: true }],
  ["DE", "Customer not available or business closed", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["DE", "Incorrect address - Street number", { status: "attempted_delivery", reason: "address_issue", mapped: true }],
  ["HL", "Ready for recipient pickup", { status: "available_for_pickup", reason: null, mapped: true }],
  ["SE", "Package damaged", { status: "exception", reason: "damaged", mapped: true }],
  ["RS", "Returning package to shipper", { status: "returning_to_sender", reason: null, mapped: true }],
  ["QQ", "Something new", { status: "unknown", reason: null, mapped: false }],
];

const DHL: [code: string, message: string, expected: Expected][] = [
  ["pre-transit", "The shipment data has been received", { status: "label_created", reason: null, mapped: true }],
  ["transit", "Shipment picked up", { status: "picked_up", reason: null, mapped: true }],
  ["transit", "Arrived at DHL Sort Facility LEIPZIG - GERMANY", { status: "in_transit", reason: null, mapped: true }],
  ["transit", "Customs clearance status updated", { status: "in_transit", reason: null, mapped: true }],
  ["transit", "With delivery courier", { status: "out_for_delivery", reason: null, mapped: true }],
  ["transit", "The shipment is ready for pickup at the DHL Packstation", { status: "available_for_pickup", reason: null, mapped: true }],
  ["delivered", "Delivered", { status: "delivered", reason: null, mapped: true }],
  ["failure", "Delivery attempted; recipient not home", { status: "attempted_delivery", reason: "recipient_unavailable", mapped: true }],
  ["failure", "Shipment on hold: customs duties unpaid", { status: "exception", reason: "customs", mapped: true }],
  ["failure", "The shipment was damaged", { status: "exception", reason: "damaged", mapped: true }],
  ["unknown", "", { status: "unknown", reason: null, mapped: true }],
  ["in-orbit", "Somewhere", { status: "unknown", reason: null, mapped: false }],
];

describe("carrier API code tables (golden fixtures)", () => {
  it.each(UPS)("UPS %s/%s (%s)", (type, code, message, expected) => {
    expect(read(normalizeUps({ code: upsCode(type, code), message }))).toEqual(expected);
  });
  it.each(USPS)("USPS %s (%s)", (code, message, expected) => {
    expect(read(normalizeUsps({ code, message }))).toEqual(expected);
  });
  it.each(FEDEX)("FedEx %s (%s)", (code, message, expected) => {
    expect(read(normalizeFedEx({ code, message }))).toEqual(expected);
  });
  it.each(DHL)("DHL %s (%s)", (code, message, expected) => {
    expect(read(normalizeDhl({ code, message }))).toEqual(expected);
  });

  it("keeps codes lower-cased (the merchant's overrides are), UPS's as type/activity", () => {
    expect(upsCode("I", "OT")).toBe("i/ot");
    expect(upsCode("D", null)).toBe("d");
    expect(upsCode(null, null)).toBeNull();
    expect(normalizeFedEx({ code: " DL " }).code).toBe("dl");
    expect(normalizeUsps({ code: null, message: "Delivered" })).toMatchObject({ code: null, mapped: true });
  });

  it("maps every row to a status of ours, each code once", () => {
    for (const table of [UPS_TYPE_TABLE, UPS_ACTIVITY_TABLE, USPS_EVENT_TABLE, FEDEX_EVENT_TABLE, DHL_STATUS_TABLE]) {
      for (const reading of table.values()) expect(SHIPMENT_STATUSES).toContain(reading.status);
    }
    expect([...DHL_STATUS_TABLE.keys()].sort()).toEqual(["delivered", "failure", "pre-transit", "transit", "unknown"]);
    expect(() => buildTable([["DL", 1], ["dl", 2]])).toThrow(/Duplicate code "dl"/);
  });

  it("places and keys a scan stably, whatever its words", () => {
    expect(carrierPlace("Louisville", "KY", "US")).toBe("Louisville, KY, US");
    expect(carrierPlace(null, " ", undefined)).toBeNull();
    const scan = { happenedAt: 1, code: "i/ar" };
    expect(carrierScanKey("ups", "1Z1", scan)).toBe("ups_api:1Z1:1:i/ar");
    expect(carrierScanKey("ups", "1Z1", scan)).not.toBe(carrierScanKey("ups", "1Z1", { ...scan, happenedAt: 2 }));
  });
});
