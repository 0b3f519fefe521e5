/**
 * UPS's tracking vocabulary (Track API, GET /api/track/v1/details/{inquiryNumber}), read into Shipwatch's status +
 * reason. Each `package.activity[]` carries `status.type` (the coarse kind: D delivered, I in transit, X exception…)
 * and `status.code` (the two-character activity code, hundreds of them). The raw code kept (and shown for mapping)
 * is `type/code`; the type decides the status, and a few activity codes make it more precise.
 * Sources: UPS Developer Kit, Tracking API "Activity status type" (D, I, M, MV, P, X, RS, DO, DD, W, NA, O) and the
 * activity codes used on ups.com's own tracking page.
 */
import { readCarrierCode, type CodeReading } from "./carrier-apis";
import { buildTable, type NormalizedStatus } from "./normalize";

export const UPS_TYPE_TABLE: ReadonlyMap<string, CodeReading> = buildTable<CodeReading>([
  // "Billing information received": a label exists, UPS has not seen the parcel
  ["M", { status: "label_created" }],
  // "Billing information voided": the label was cancelled
  ["MV", { status: "exception" }],
  ["P", { status: "picked_up" }],
  ["I", { status: "in_transit" }],
  ["O", { status: "out_for_delivery" }],
  ["D", { status: "delivered" }],
  ["X", { status: "exception" }],
  ["RS", { status: "returning_to_sender" }],
  // freight: delivered to the origin / destination container freight station, still on its way to the recipient
  ["DO", { status: "in_transit" }],
  ["DD", { status: "in_transit" }],
  ["W", { status: "in_transit" }],
  ["NA", { status: "unknown" }],
]);

/** Activity codes that say more than their type (an "I" scan that is really the van leaving, …). */
export const UPS_ACTIVITY_TABLE: ReadonlyMap<string, CodeReading> = buildTable<CodeReading>([
  ["MP", { status: "label_created" }],
  ["OR", { status: "picked_up" }],
  ["OT", { status: "out_for_delivery" }],
  ["OF", { status: "out_for_delivery" }],
  // "The package is at a UPS Access Point location and is scheduled to be picked up by the receiver"
  ["ZP", { status: "available_for_pickup" }],
  ["2W", { status: "available_for_pickup" }],
]);

/** The raw code kept for an activity: `type/code`, lower-cased like every source's codes; the type alone when there is no code. */
export function upsCode(type: string | null | undefined, code: string | null | undefined): string | null {
  const t = (type ?? "").trim().toLowerCase();
  const c = (code ?? "").trim().toLowerCase();
  if (!t && !c) return null;
  return c ? `${t}/${c}` : t;
}

/** The type decides (it is the documented vocabulary); an activity code refines it, unless the parcel has arrived or is going back. */
function readUps(code: string): CodeReading | undefined {
  const [type = "", activity] = code.split("/", 2);
  const byType = UPS_TYPE_TABLE.get(type);
  if (!byType || !activity || byType.status === "delivered" || byType.status === "returning_to_sender") return byType;
  return UPS_ACTIVITY_TABLE.get(activity) ?? byType;
}

export function normalizeUps(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  return readCarrierCode(readUps, input);
}
