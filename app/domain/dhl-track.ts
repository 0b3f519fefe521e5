/**
 * DHL's tracking vocabulary (Shipment Tracking – Unified, GET /track/shipments?trackingNumber=…), read into
 * Shipwatch's status + reason. Every DHL division answers with one of five `statusCode` values on each event; the
 * finer meaning is only in its words (`status`, `description`), so a few well-known wordings make the status more
 * precise (out for delivery, ready for pickup, picked up). The statusCode is what is kept and shown for mapping.
 * Source: DHL Developer Portal, "Shipment Tracking - Unified" API reference (supermodelIdStatusCode).
 */
import { readCarrierCode, type CodeReading } from "./carrier-apis";
import { buildTable, type NormalizedStatus } from "./normalize";
import type { ShipmentStatus } from "./status";

export const DHL_STATUS_TABLE: ReadonlyMap<string, CodeReading> = buildTable<CodeReading>([
  ["pre-transit", { status: "label_created" }],
  ["transit", { status: "in_transit" }],
  ["delivered", { status: "delivered" }],
  ["failure", { status: "exception" }],
  ["unknown", { status: "unknown" }],
]);

const OUT_FOR_DELIVERY = /\b(out for delivery|with delivery courier|on (the )?(delivery )?vehicle for delivery|loaded (onto|on) (the )?delivery vehicle)\b/;
const READY_FOR_PICKUP = /\b(ready for (pick ?-?up|collection)|available for (pick ?-?up|collection)|awaiting collection at)\b/;
const PICKED_UP = /\b(shipment (has been )?picked up|picked up from (the )?(shipper|sender)|received at (the )?origin)\b/;
const ATTEMPTED = /\b(delivery attempt(ed)?|could not be delivered|unsuccessful delivery)\b/;

function refineDhl(status: ShipmentStatus, message: string): ShipmentStatus {
  if (status === "in_transit") {
    if (OUT_FOR_DELIVERY.test(message)) return "out_for_delivery";
    if (READY_FOR_PICKUP.test(message)) return "available_for_pickup";
    if (PICKED_UP.test(message)) return "picked_up";
  }
  if (status === "exception" && ATTEMPTED.test(message)) return "attempted_delivery";
  return status;
}

export function normalizeDhl(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  return readCarrierCode(DHL_STATUS_TABLE, input, { refine: refineDhl });
}
