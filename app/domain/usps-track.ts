/**
 * USPS's tracking vocabulary (Tracking API v3, GET /tracking/v3/tracking/{trackingNumber}?expand=DETAIL), read into
 * Shipwatch's status + reason. Each `trackingEvents[]` entry carries an `eventCode` (two characters) and its words
 * (`eventType`); the code is what is kept and shown for mapping.
 * Sources: USPS Web Tools "Track and Confirm" event code appendix (the codes Tracking v3 still returns) and the
 * USPS Tracking v3 OpenAPI description.
 */
import { readCarrierCode, type CodeReading } from "./carrier-apis";
import { buildTable, type NormalizedStatus } from "./normalize";

export const USPS_EVENT_TABLE: ReadonlyMap<string, CodeReading> = buildTable<CodeReading>([
  ["GX", { status: "label_created" }], // Shipping Label Created, USPS Awaiting Item
  ["MA", { status: "label_created" }], // Pre-Shipment Info Sent to USPS
  ["89", { status: "label_created" }], // Merchant order receipt notification, USPS awaiting item
  ["03", { status: "picked_up" }], // Accepted / picked up
  ["OA", { status: "picked_up" }], // Origin Acceptance
  ["TM", { status: "picked_up" }], // Shipment Received, Package Acceptance Pending
  ["UA", { status: "picked_up" }], // Accepted at USPS Facility
  ["AD", { status: "picked_up" }], // Acceptance at Destination
  ["83", { status: "in_transit" }], // Tendered to Postal Service (by a partner carrier)
  ["10", { status: "in_transit" }], // Processed Through USPS Facility
  ["L1", { status: "in_transit" }], // Departed USPS Facility
  ["T1", { status: "in_transit" }], // In Transit to Next Facility
  ["07", { status: "in_transit" }], // Arrival at Unit
  ["06", { status: "in_transit" }], // Forwarded
  ["NT", { status: "delayed", reason: "carrier_delay" }], // In Transit, Arriving Late
  ["08", { status: "delayed", reason: "carrier_delay" }], // Missent
  ["15", { status: "delayed", reason: "carrier_delay" }], // Mis-shipped
  ["OF", { status: "out_for_delivery" }], // Out for Delivery
  ["01", { status: "delivered" }], // Delivered
  ["17", { status: "delivered" }], // Picked Up by Agent / at the Post Office
  ["02", { status: "attempted_delivery" }], // Notice Left
  ["51", { status: "attempted_delivery", reason: "business_closed" }], // Business Closed
  ["52", { status: "attempted_delivery" }], // Notice Left (Receptacle Full)
  ["53", { status: "attempted_delivery" }], // Receptacle Blocked
  ["54", { status: "attempted_delivery", reason: "recipient_unavailable" }], // No Authorized Recipient Available
  ["55", { status: "attempted_delivery" }], // No Secure Location Available
  ["56", { status: "attempted_delivery" }], // Animal Interference
  ["14", { status: "available_for_pickup" }], // Arrival at Pickup Point
  ["16", { status: "available_for_pickup" }], // Available for Pickup
  ["19", { status: "in_transit", reason: "held_at_facility" }], // Held at Post Office, at customer request
  ["04", { status: "returning_to_sender", reason: "refused" }], // Refused
  ["05", { status: "exception", reason: "address_issue" }], // Undeliverable as Addressed
  ["21", { status: "exception", reason: "address_issue" }], // No Such Number
  ["22", { status: "exception", reason: "address_issue" }], // Insufficient Address
  ["23", { status: "exception", reason: "address_issue" }], // Moved, Left No Address
  ["25", { status: "exception", reason: "address_issue" }], // Addressee Unknown
  ["26", { status: "exception", reason: "address_issue" }], // Vacant
  ["28", { status: "exception", reason: "other" }], // Deceased
  ["44", { status: "exception", reason: "other" }], // Customer Recall
  ["11", { status: "exception", reason: "lost" }], // Dead Letter (sent to the Mail Recovery Center)
  ["09", { status: "returning_to_sender" }], // Return to Sender
  ["24", { status: "returning_to_sender" }], // Forward Expired
  ["27", { status: "returning_to_sender" }], // Unclaimed
  ["29", { status: "returning_to_sender" }], // Return to Sender, Not Picked Up
]);

export function normalizeUsps(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  return readCarrierCode(USPS_EVENT_TABLE, input);
}
