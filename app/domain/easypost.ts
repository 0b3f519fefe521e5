/**
 * EasyPost's tracking vocabulary, read into Shipwatch's status + reason. A Tracker's scans each carry a coarse
 * `status` and a finer `status_detail`; the raw code Shipwatch keeps (and shows for mapping) is the pair
 * `status/status_detail`, so a merchant can map one combination without touching the others.
 * Sources: EasyPost API docs, Tracker object and TrackingDetail object; easypost-node TrackerStatus.ts and
 * TrackerStatusDetail.ts (see /work/shared/reference/status-taxonomies.md).
 */
import { buildTable, reasonFromMessage, refineWithMessage, statusDetailCode, STATUSES_WITHOUT_REASON, type NormalizedStatus } from "./normalize";
import type { ShipmentStatus, StatusReason } from "./status";

/** Tracker `status` (and each tracking detail's `status`). */
export const EASYPOST_STATUS_TABLE: ReadonlyMap<string, ShipmentStatus> = buildTable<ShipmentStatus>([
  ["unknown", "unknown"],
  // a label exists and the carrier has its data: no movement yet
  ["pre_transit", "label_created"],
  ["in_transit", "in_transit"],
  ["out_for_delivery", "out_for_delivery"],
  ["delivered", "delivered"],
  ["available_for_pickup", "available_for_pickup"],
  // EasyPost reports the whole return under this one status; "returned to sender" in the message finishes it
  ["return_to_sender", "returning_to_sender"],
  ["failure", "exception"],
  // the shipment was cancelled with the carrier: someone has to look at it
  ["cancelled", "exception"],
  // the tracker could not track (a bad number, a carrier outage): nothing is known about the parcel
  ["error", "unknown"],
]);

interface DetailReading {
  /** a status the detail makes more precise than the coarse one; absent: the coarse status stands */
  status?: ShipmentStatus;
  reason?: StatusReason;
}

/** Tracker `status_detail`: what each adds to the coarse status. */
export const EASYPOST_DETAIL_TABLE: ReadonlyMap<string, DetailReading> = buildTable<DetailReading>([
  ["address_correction", { reason: "address_issue" }],
  ["arrived_at_destination", {}],
  ["arrived_at_facility", {}],
  ["arrived_at_pickup_location", { status: "available_for_pickup" }],
  ["awaiting_information", {}],
  ["cancelled", {}],
  ["damaged", { status: "exception", reason: "damaged" }],
  ["delayed", { status: "delayed", reason: "carrier_delay" }],
  // the carrier could not deliver at the door: an attempt, whatever the coarse status says
  ["delivery_exception", { status: "attempted_delivery" }],
  ["departed_facility", {}],
  ["departed_origin_facility", {}],
  ["expired", {}],
  ["failure", {}],
  ["held", { reason: "held_at_facility" }],
  ["in_transit", {}],
  ["label_created", { status: "label_created" }],
  ["lost", { status: "exception", reason: "lost" }],
  ["missorted", { status: "delayed", reason: "carrier_delay" }],
  ["out_for_delivery", {}],
  ["received_at_destination_facility", {}],
  // the carrier's first scan of the parcel
  ["received_at_origin_facility", { status: "picked_up" }],
  ["refused", { reason: "refused" }],
  ["return", { status: "returning_to_sender" }],
  ["status_update", {}],
  ["transferred_to_destination_carrier", {}],
  ["transit_exception", { status: "exception" }],
  ["unknown", {}],
  ["weather_delay", { status: "delayed", reason: "weather" }],
]);

/** Coarse statuses a detail never moves: the parcel's journey there is settled. */
const SETTLED: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["delivered", "returning_to_sender", "available_for_pickup"]);

const clean = (value: string | null | undefined) => (value ?? "").trim().toLowerCase();

/** The raw code kept for a scan: `status/status_detail`, or the status alone when there is no detail. */
export const easyPostCode = statusDetailCode;

/**
 * Reads one EasyPost code (see {@link easyPostCode}) and the carrier's message. An unknown status or detail is
 * "unknown" and unmapped (shown in the inbox), never a guess: "in transit" for a code nobody knows hides exactly
 * the parcels a merchant needs to see.
 */
export function normalizeEasyPost(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  const code = clean(input.code) || null;
  const [rawStatus, rawDetail] = code ? (code.split("/", 2) as [string, string | undefined]) : [null, undefined];
  const coarse = rawStatus ? EASYPOST_STATUS_TABLE.get(rawStatus) : undefined;
  const detail = rawDetail ? EASYPOST_DETAIL_TABLE.get(rawDetail) : {};
  const mapped = code === null || (coarse !== undefined && detail !== undefined);
  const fromMessage = reasonFromMessage(input.message);
  let status: ShipmentStatus = "unknown";
  if (mapped && coarse !== undefined) status = detail?.status && !SETTLED.has(coarse) ? detail.status : coarse;
  status = refineWithMessage(status, code !== null, fromMessage.impliedStatus, detail?.reason ?? fromMessage.reason);
  const reason = detail?.reason ?? fromMessage.reason;
  return { status, reason: STATUSES_WITHOUT_REASON.has(status) ? null : reason, code, mapped };
}

/** One scan of a Tracker (a `tracking_details[]` entry), as Shipwatch keeps it. */
export interface EasyPostScan {
  code: string | null;
  message: string | null;
  happenedAt: number;
  location: string | null;
}

export interface EasyPostTrackingLocation {
  city?: string | null;
  state?: string | null;
  country?: string | null;
  zip?: string | null;
}

/** "Ottawa, ON, CA": the same shape Shopify's fulfillment events give a location, so the two can be compared. */
export function easyPostLocation(location: EasyPostTrackingLocation | null | undefined): string | null {
  if (!location) return null;
  const parts = [location.city, location.state, location.country].map((p) => p?.trim()).filter((p): p is string => !!p);
  return parts.length ? parts.join(", ") : null;
}

/** The stable key of one feed scan: EasyPost resends every scan with each update, and gives scans no id. */
export function easyPostScanKey(trackingNumber: string, scan: EasyPostScan): string {
  return `easypost:${trackingNumber}:${scan.happenedAt}:${scan.code ?? ""}`;
}

/**
 * The carriers a tracker is registered for when the merchant has not chosen: those Shopify gets no scans from
 * ("Other", and the regional carriers), whose parcels would otherwise sit at "label created".
 */
export const FEED_ONLY_CARRIERS: readonly string[] = ["other", "ontrac", "lasership"];

/** Shipwatch's carrier codes as EasyPost names them in `POST /v2/trackers` (null: EasyPost detects the carrier). */
const EASYPOST_CARRIERS: ReadonlyMap<string, string> = buildTable<string>([
  ["ups", "UPS"],
  ["usps", "USPS"],
  ["fedex", "FedEx"],
  ["dhl", "DHLExpress"],
  ["canada_post", "CanadaPost"],
  ["ontrac", "OnTrac"],
  ["amazon", "AmazonShipping"],
  ["royal_mail", "RoyalMail"],
  ["australia_post", "AustraliaPost"],
  ["purolator", "Purolator"],
  ["lasership", "LaserShip"],
]);

export function easyPostCarrierOf(carrierCode: string): string | null {
  return EASYPOST_CARRIERS.get(carrierCode) ?? null;
}
