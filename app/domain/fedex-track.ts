/**
 * FedEx's tracking vocabulary (Track API, POST /track/v1/trackingnumbers with includeDetailedScans), read into
 * Shipwatch's status + reason. Each `scanEvents[]` entry carries an `eventType` (two letters) and its words
 * (`eventDescription`, `exceptionDescription`); the event type is what is kept and shown for mapping.
 * Sources: FedEx Developer Portal, Track API "Tracking status and scan event codes" (scanEvents.eventType,
 * including AE/AO of the October 2021 changelog).
 */
import { readCarrierCode, type CodeReading } from "./carrier-apis";
import { buildTable, type NormalizedStatus } from "./normalize";

export const FEDEX_EVENT_TABLE: ReadonlyMap<string, CodeReading> = buildTable<CodeReading>([
  ["OC", { status: "label_created" }], // Shipment information sent to FedEx
  ["EP", { status: "label_created" }], // Enroute to pickup
  ["AP", { status: "picked_up" }], // At pickup
  ["PU", { status: "picked_up" }], // Picked up
  ["PX", { status: "picked_up" }], // Picked up (see details)
  ["IT", { status: "in_transit" }],
  ["IX", { status: "in_transit" }],
  ["AR", { status: "in_transit" }], // Arrived at FedEx location
  ["DP", { status: "in_transit" }], // Departed FedEx location
  ["AF", { status: "in_transit" }], // At local FedEx facility
  ["OF", { status: "in_transit" }], // At FedEx origin facility
  ["FD", { status: "in_transit" }], // At FedEx destination facility
  ["SF", { status: "in_transit" }], // At sort facility
  ["AA", { status: "in_transit" }], // At airport
  ["EA", { status: "in_transit" }], // Enroute to airport
  ["EO", { status: "in_transit" }], // Enroute to origin airport
  ["PF", { status: "in_transit" }], // Plane in flight
  ["PL", { status: "in_transit" }], // Plane landed
  ["LO", { status: "in_transit" }], // Left origin
  ["AC", { status: "in_transit" }], // At Canada Post facility
  ["AX", { status: "in_transit" }], // At USPS facility
  ["OX", { status: "in_transit" }], // Shipment information sent to USPS
  ["CH", { status: "in_transit" }], // Location changed
  ["CP", { status: "in_transit" }], // Clearance in progress
  ["CC", { status: "in_transit" }], // Cleared customs
  ["TR", { status: "in_transit" }], // Transfer
  ["SP", { status: "in_transit" }], // Split status
  ["PM", { status: "in_transit" }], // In progress
  ["DR", { status: "in_transit" }], // Vehicle furnished but not used
  ["DS", { status: "in_transit" }], // Vehicle dispatched
  ["RR", { status: "in_transit" }], // Delivery option requested
  ["RM", { status: "in_transit" }], // Delivery option modified
  ["RC", { status: "in_transit" }], // Delivery option cancelled
  ["AE", { status: "in_transit" }], // Shipment arriving early
  ["AO", { status: "in_transit" }], // Shipment arriving on time
  ["OD", { status: "out_for_delivery" }],
  ["ED", { status: "out_for_delivery" }], // Enroute to delivery
  ["AD", { status: "out_for_delivery" }], // At delivery
  ["DL", { status: "delivered" }],
  ["HL", { status: "available_for_pickup" }], // Hold at location: ready for the recipient
  ["DE", { status: "attempted_delivery" }], // Delivery exception: the words say why
  ["DY", { status: "delayed", reason: "carrier_delay" }],
  ["DD", { status: "delayed", reason: "carrier_delay" }], // Delivery delay
  ["PD", { status: "delayed", reason: "carrier_delay" }], // Pickup delay
  ["CD", { status: "delayed", reason: "customs" }], // Clearance delay
  ["SE", { status: "exception" }], // Shipment exception
  ["CA", { status: "exception" }], // Shipment cancelled
  ["RS", { status: "returning_to_sender" }], // Return to shipper
]);

export function normalizeFedEx(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  return readCarrierCode(FEDEX_EVENT_TABLE, input);
}
