import { describe, it, expect } from "vitest";
import { SHOPIFY_STATUS_TABLE, buildTable, normalizeShopifyStatus, reasonFromMessage } from "./normalize";
import type { ShipmentStatus, StatusReason } from "./status";

const event = (code: string | null | undefined, message?: string | null) =>
  normalizeShopifyStatus({ source: "shopify_fulfillment_event", code, message });

describe("SHOPIFY_STATUS_TABLE", () => {
  // Written out again, not derived from the table, so that a changed row fails here.
  const expected: ReadonlyArray<readonly [string, ShipmentStatus]> = [
    ["label_printed", "label_created"],
    ["label_purchased", "label_created"],
    ["confirmed", "label_created"],
    ["carrier_picked_up", "picked_up"],
    ["picked_up", "picked_up"],
    ["in_transit", "in_transit"],
    ["delayed", "delayed"],
    ["out_for_delivery", "out_for_delivery"],
    ["ready_for_pickup", "available_for_pickup"],
    ["ready_for_recipient_pickup", "available_for_pickup"],
    ["attempted_delivery", "attempted_delivery"],
    ["delivered", "delivered"],
    ["failure", "exception"],
    ["returning_to_sender", "returning_to_sender"],
    ["buyer_action_required", "exception"],
  ];

  it("holds exactly the documented Shopify codes", () => {
    expect([...SHOPIFY_STATUS_TABLE.keys()].sort()).toEqual(expected.map(([code]) => code).sort());
  });

  describe.each(expected)("%s", (code, status) => {
    it.each([
      ["REST / webhook spelling", code],
      ["GraphQL enum spelling", code.toUpperCase()],
      ["padded with spaces", `  ${code}\n`],
    ])(`maps the %s to ${status}`, (_label, raw) => {
      expect(event(raw)).toEqual({ status, reason: null, code, mapped: true });
    });
  });
});

describe("normalizeShopifyStatus with codes outside the table", () => {
  it.each([
    ["teleported", "teleported"],
    ["IN_ORBIT", "in_orbit"],
    ["  Lost_In_Space ", "lost_in_space"],
    ["intransit", "intransit"],
  ])("reads %j as unknown, never in transit, and keeps the code for mapping", (raw, code) => {
    expect(event(raw)).toEqual({ status: "unknown", reason: null, code, mapped: false });
  });

  it("still reads the reason from the message", () => {
    expect(event("teleported", "Package damaged")).toEqual({
      status: "unknown",
      reason: "damaged",
      code: "teleported",
      mapped: false,
    });
  });

  it("keeps unknown even when the message says the parcel went back, so the code still gets mapped", () => {
    expect(event("teleported", "Returned to sender")).toMatchObject({ status: "unknown", mapped: false });
  });

  it("does not turn an unknown code into delayed because of a delay message", () => {
    expect(event("teleported", "Severe weather delay")).toEqual({
      status: "unknown",
      reason: "weather",
      code: "teleported",
      mapped: false,
    });
  });
});

describe("normalizeShopifyStatus with no code", () => {
  it.each([null, undefined, "", "   "])("reads %j as unknown with nothing to count as unmapped", (code) => {
    expect(event(code)).toEqual({ status: "unknown", reason: null, code: null, mapped: true });
  });

  it("takes the reason from the message", () => {
    expect(event(null, "Incorrect address")).toEqual({
      status: "unknown",
      reason: "address_issue",
      code: null,
      mapped: true,
    });
  });

  it.each([
    ["Returned to sender", "returned_to_sender"],
    ["Item is being returned to sender", "returning_to_sender"],
  ] as const)("lets a return message %j decide the status", (message, status) => {
    expect(event(undefined, message)).toMatchObject({ status, code: null, mapped: true });
  });

  it("does not read a delay message as delayed: nothing says the parcel is moving", () => {
    expect(event(null, "Weather delay")).toMatchObject({ status: "unknown", reason: "weather" });
  });

  it("reads the same for both sources", () => {
    const fromFulfillment = normalizeShopifyStatus({
      source: "shopify_shipment_status",
      code: "failure",
      message: "Package damaged",
    });
    expect(fromFulfillment).toEqual(event("failure", "Package damaged"));
  });
});

type Row = readonly [carrier: string, code: string, message: string, status: ShipmentStatus, reason: StatusReason | null];

// Carrier wording as it shows up in fulfillment_events/create `message`.
const CARRIER_MESSAGES: readonly Row[] = [
  // UPS
  ["UPS", "failure", "The address is incomplete. The delivery will be rescheduled once the address is corrected.", "exception", "address_issue"],
  ["UPS", "attempted_delivery", "The receiver was not available for delivery. We'll make a second attempt the next business day.", "attempted_delivery", "recipient_unavailable"],
  ["UPS", "in_transit", "Severe weather conditions have delayed delivery.", "delayed", "weather"],
  ["UPS", "failure", "The receiver has refused the delivery. The package will be returned to the sender.", "returning_to_sender", "refused"],
  ["UPS", "in_transit", "The package will be returned to the sender.", "returning_to_sender", null],
  ["UPS", "failure", "A mechanical failure has caused a delay. We will update the delivery date as soon as possible.", "exception", "carrier_delay"],
  ["UPS", "in_transit", "Your package is running later than expected, but is still on its way.", "delayed", "carrier_delay"],
  ["UPS", "attempted_delivery", "The receiver's business was closed at the time of the delivery attempt.", "attempted_delivery", "business_closed"],
  ["UPS", "failure", "The package was damaged and will be returned to the sender.", "returning_to_sender", "damaged"],
  ["UPS", "in_transit", "Returned to shipper", "returned_to_sender", null],
  ["UPS", "failure", "The package is being held at a UPS facility pending resolution of a customs clearance issue.", "exception", "customs"],
  ["UPS", "carrier_picked_up", "Pickup scan. Delivery may be delayed by a snowstorm.", "delayed", "weather"],
  // USPS
  ["USPS", "attempted_delivery", "Notice Left (No Authorized Recipient Available)", "attempted_delivery", "recipient_unavailable"],
  ["USPS", "failure", "Insufficient Address", "exception", "address_issue"],
  ["USPS", "failure", "Undeliverable as Addressed", "exception", "address_issue"],
  ["USPS", "in_transit", "In Transit, Arriving Late", "delayed", "carrier_delay"],
  ["USPS", "failure", "Return to Sender Processed", "returning_to_sender", null],
  ["USPS", "failure", "Delivered, To Original Sender", "returned_to_sender", null],
  ["USPS", "failure", "Refused", "exception", "refused"],
  ["USPS", "failure", "Moved, Left no Address", "exception", "address_issue"],
  ["USPS", "failure", "Addressee Unknown", "exception", "address_issue"],
  ["USPS", "failure", "No Such Number", "exception", "address_issue"],
  ["USPS", "failure", "Held at Post Office, At Customer Request", "exception", "held_at_facility"],
  // FedEx
  ["FedEx", "attempted_delivery", "Customer not available or business closed", "attempted_delivery", "recipient_unavailable"],
  ["FedEx", "attempted_delivery", "No one available to sign", "attempted_delivery", "recipient_unavailable"],
  ["FedEx", "failure", "Incorrect address - unable to deliver", "exception", "address_issue"],
  ["FedEx", "delayed", "Severe weather conditions have delayed delivery", "delayed", "weather"],
  ["FedEx", "failure", "Package damaged", "exception", "damaged"],
  ["FedEx", "failure", "Package lost / cannot be located", "exception", "lost"],
  ["FedEx", "in_transit", "Delay beyond our control", "delayed", "carrier_delay"],
  ["FedEx", "failure", "Clearance delay - Import", "exception", "customs"],
  ["FedEx", "failure", "Recipient moved", "exception", "address_issue"],
  ["FedEx", "failure", "Returning package to shipper", "returning_to_sender", null],
  ["FedEx", "failure", "Shipment exception - Local delivery restriction, delivery not attempted", "exception", null],
  ["FedEx", "delivered", "Delivered to shipper", "returned_to_sender", null],
  // DHL
  ["DHL", "failure", "Shipment on hold", "exception", "held_at_facility"],
  ["DHL", "failure", "Duties and taxes are due before delivery", "exception", "customs"],
  ["DHL", "in_transit", "Missed connection - shipment will be delayed", "delayed", "carrier_delay"],
  ["DHL", "delayed", "Processing delay", "delayed", "carrier_delay"],
  ["DHL", "in_transit", "Returned to shipper in transit", "returning_to_sender", null],
  ["DHL", "failure", "Shipment is being returned to shipper", "returning_to_sender", null],
  ["DHL", "returning_to_sender", "Return to sender completed", "returned_to_sender", null],
  ["DHL", "in_transit", "Customs status updated", "in_transit", null],
  ["DHL", "in_transit", "Clearance processing complete at LEIPZIG - GERMANY", "in_transit", null],
  // Canada Post
  ["Canada Post", "attempted_delivery", "Attempted delivery: nobody home. Notice card left indicating where the item can be picked up.", "attempted_delivery", "recipient_unavailable"],
  ["Canada Post", "failure", "Item being returned to sender. Incorrect address.", "returning_to_sender", "address_issue"],
  ["Canada Post", "failure", "Item refused by recipient", "exception", "refused"],
  ["Canada Post", "in_transit", "Delivery may be delayed due to a natural disaster", "delayed", "weather"],
  ["Canada Post", "ready_for_pickup", "Item available for pickup at Post Office", "available_for_pickup", null],
  ["Canada Post", "in_transit", "Item processed", "in_transit", null],
  // Royal Mail
  ["Royal Mail", "attempted_delivery", "Your item is being held at the delivery office awaiting collection", "attempted_delivery", "held_at_facility"],
  // Statuses that never carry a reason
  ["USPS", "label_purchased", "Label created; weather delays possible", "label_created", null],
  ["UPS", "delivered", "Delivered - damaged packaging reported", "delivered", null],
];

describe("normalizeShopifyStatus with carrier messages", () => {
  it.each(CARRIER_MESSAGES)("%s %s: %j → %s / %s", (_carrier, code, message, status, reason) => {
    expect(event(code, message)).toEqual({ status, reason, code, mapped: true });
  });
});

describe("reasonFromMessage", () => {
  it.each([
    ["Weather delay", "weather"],
    ["Hurricane warning in effect", "weather"],
    ["Flooding in the area", "weather"],
    ["Heavy snow", "weather"],
    ["Bad address", "address_issue"],
    ["Address correction requested", "address_issue"],
    ["Unable to locate address", "address_issue"],
    ["Damage reported", "damaged"],
    ["Lost in transit", "lost"],
    ["Missing package", "lost"],
    ["Unable to locate package", "lost"],
    ["Rejected by consignee", "refused"],
    ["Awaiting import clearance", "customs"],
    ["Hold at facility", "held_at_facility"],
    ["Held at depot", "held_at_facility"],
    ["Recipient unavailable", "recipient_unavailable"],
    ["No one home", "recipient_unavailable"],
    ["Addressee not available", "recipient_unavailable"],
    ["Signature required - not obtained", "recipient_unavailable"],
    ["Closed on arrival", "business_closed"],
    ["Closed for the holiday", "business_closed"],
    ["Late flight", "carrier_delay"],
    ["Operational delay", "carrier_delay"],
    ["High volume at facility", "carrier_delay"],
  ] as const)("reads %j as %s", (message, reason) => {
    expect(reasonFromMessage(message).reason).toBe(reason);
  });

  // Ordinary progress scans: a reason here would invent a problem for a healthy parcel.
  it.each([
    "Delivered",
    "Delivered, Front Door/Porch",
    "Delivered - Left at front door. Signature not required",
    "Out for delivery",
    "Out For Delivery Today",
    "Departed facility",
    "Arrived at facility",
    "Arrived at USPS Regional Facility",
    "In transit to next facility",
    "Origin scan",
    "Label created",
    "Shipment information sent to carrier",
    "Shipment information sent to FedEx",
    "Picked up",
    "Ready for pickup",
    "Held for pickup at customer request",
    "Cleared customs",
    "Customs clearance completed",
    "Released from customs",
    "Package moved to next facility",
    "Arrived at Post Office",
    "Shipped via FedEx SmartPost",
    "Arriving on time",
  ])("finds no reason in %j", (message) => {
    expect(reasonFromMessage(message).reason).toBeNull();
  });

  it.each([
    ["Returned to sender", "returned_to_sender"],
    ["Returned to shipper", "returned_to_sender"],
    ["Return to sender completed", "returned_to_sender"],
    ["Delivered to sender", "returned_to_sender"],
    ["Returning to sender", "returning_to_sender"],
    ["Being returned", "returning_to_sender"],
    ["Return to sender", "returning_to_sender"],
    ["Returned to shipper in transit", "returning_to_sender"],
    ["The package will be returned to the sender", "returning_to_sender"],
    ["Delivered", null],
    ["In transit", null],
    ["Return label created", null],
  ] as const)("reads %j as implying %s", (message, impliedStatus) => {
    expect(reasonFromMessage(message).impliedStatus).toBe(impliedStatus);
  });

  it.each([null, undefined, "", "   "])("gives nothing for %j", (message) => {
    expect(reasonFromMessage(message)).toEqual({ reason: null, impliedStatus: null });
  });

  it("ignores case and extra spaces", () => {
    expect(reasonFromMessage("  SEVERE   WEATHER ")).toEqual({ reason: "weather", impliedStatus: null });
  });
});

describe("buildTable", () => {
  it("throws at build time when a code appears twice", () => {
    expect(() =>
      buildTable<ShipmentStatus>([
        ["in_transit", "in_transit"],
        ["delivered", "delivered"],
        ["in_transit", "delayed"],
      ]),
    ).toThrow(/duplicate code "in_transit"/i);
  });

  it("treats codes differing only in case or spacing as the same code", () => {
    expect(() =>
      buildTable<ShipmentStatus>([
        ["delivered", "delivered"],
        [" DELIVERED ", "delivered"],
      ]),
    ).toThrow(/duplicate code "delivered"/i);
  });

  it("uses the given key normalizer when checking for duplicates", () => {
    const byLetters = (raw: string) => raw.toLowerCase().replace(/[^a-z]/g, "");
    expect(() => buildTable([["Fed Ex", 1], ["FEDEX", 2]], byLetters)).toThrow(/duplicate code "fedex"/i);
  });

  it("rejects a code that is empty once normalized", () => {
    expect(() => buildTable([["  ", 1]])).toThrow(/empty code/);
  });

  it("builds a lookup keyed by the normalized code", () => {
    const table = buildTable([[" In_Transit ", "in_transit"]]);
    expect(table.get("in_transit")).toBe("in_transit");
    expect(table.size).toBe(1);
  });
});
