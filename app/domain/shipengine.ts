/**
 * ShipEngine's tracking vocabulary, read into Shipwatch's status + reason. Each event of a `track` webhook carries a
 * coarse `status_code` (AC, IT, DE, EX, UN, AT, NY, SP) and, from ShipEngine's standardized tracking, a finer
 * `status_detail_code` (PARCEL_LOST, CARRIER_DELAYS, …). The raw code Shipwatch keeps (and shows for mapping) is the
 * pair `status_code/status_detail_code`, lower-cased, or the status code alone, so a merchant can map one
 * combination without touching the others. `carrier_status_code` is the carrier's own code (UPS "M", …): it means
 * nothing across carriers, so it is kept in the message, not mapped.
 * Sources: ShipStation API (formerly ShipEngine) docs, "Tracking" and "Webhooks Schema" (track event); its OpenAPI
 * `tracking_status_detail_code` enum (see /work/shared/reference/status-taxonomies.md).
 */
import { buildTable, reasonFromMessage, refineWithMessage, statusDetailCode, STATUSES_WITHOUT_REASON, type NormalizedStatus } from "./normalize";
import type { ShipmentStatus, StatusReason } from "./status";

/** `status_code`: ShipEngine's eight standardized statuses. */
export const SHIPENGINE_STATUS_TABLE: ReadonlyMap<string, ShipmentStatus> = buildTable<ShipmentStatus>([
  ["UN", "unknown"],
  // "accepted": the carrier has the parcel (its first scan)
  ["AC", "picked_up"],
  ["IT", "in_transit"],
  ["DE", "delivered"],
  ["EX", "exception"],
  ["AT", "attempted_delivery"],
  // "not yet in system": a label exists, the carrier has not seen the parcel
  ["NY", "label_created"],
  // "delivered to service point": waiting at a pickup point for the recipient, not in their hands yet
  ["SP", "available_for_pickup"],
]);

interface DetailReading {
  /** a status the detail makes more precise than the coarse one; absent: the coarse status stands */
  status?: ShipmentStatus;
  reason?: StatusReason;
}

/** `status_detail_code`: what each adds to the coarse status (ShipEngine's description in the comment where it helps). */
export const SHIPENGINE_DETAIL_TABLE: ReadonlyMap<string, DetailReading> = buildTable<DetailReading>([
  // pickup failed; the carrier will try again
  ["COLLECTION_FAILED", { status: "label_created", reason: "carrier_delay" }],
  ["AWAITING_DESPATCH", { status: "label_created" }],
  ["COLLECTION_REQUESTED", { status: "label_created" }],
  ["DESPATCHED", { status: "picked_up" }],
  ["ELEC_ADVICE_RECD_BY_CARRIER", { status: "label_created" }],
  ["NOT_YET_RECEIVED_BY_CARRIER", { status: "label_created" }],
  ["COLLECTION_MADE", { status: "picked_up" }],
  ["ATTEMPTED_DELIVERY", { status: "attempted_delivery" }],
  ["ATTEMPTED_DELIVERY_2ND", { status: "attempted_delivery" }],
  ["ATTEMPTED_DELIVERY_3RD", { status: "attempted_delivery" }],
  ["COD_AMOUNT_NOT_PAID", { status: "attempted_delivery", reason: "other" }],
  ["COD_AMOUNT_PAID", {}],
  // a card left: nobody was in
  ["CUSTOMER_CARDED", { status: "attempted_delivery", reason: "recipient_unavailable" }],
  ["CUSTOMER_IDENTIFICATION_FAILED", { status: "attempted_delivery", reason: "other" }],
  ["INVALID_METHOD_OF_PAYMENT", { status: "attempted_delivery", reason: "other" }],
  ["NO_ACCESS_TO_RECIPIENTS_ADDRESS", { status: "attempted_delivery", reason: "address_issue" }],
  ["OUT_FOR_DELIVERY", { status: "out_for_delivery" }],
  ["DELIVERED", { status: "delivered" }],
  ["DELIVERED_DAMAGED", { status: "delivered" }],
  // part delivered, the rest still moving: the coarse status stands
  ["DELIVERED_IN_PART", {}],
  ["DELIVERED_SPECIFIED_SAFE_PLACE", { status: "delivered" }],
  // left somewhere else "due to the delivery company being unable to deliver": the recipient has to fetch it
  ["DELIVERED_TO_ALTERNATIVE_DELIVERY_LOCATION", { status: "available_for_pickup" }],
  ["DELIVERED_TO_NEIGHBOUR", { status: "delivered" }],
  ["DELIVERED_TO_PO_BOX", { status: "delivered" }],
  ["PARCEL_COLLECTED_FROM_PICKUP_POINT", { status: "delivered" }],
  ["POST_TRANSIT_STATUS", {}],
  ["PROOF_OF_DELIVERY", { status: "delivered" }],
  ["CANCELLED", { status: "exception", reason: "other" }],
  ["CANCELLED_BEFORE_DESPATCH", { status: "exception", reason: "other" }],
  ["CUSTOMER_MOVED", { status: "returning_to_sender", reason: "address_issue" }],
  ["HAZARDOUS_PROHIBITED", { status: "returning_to_sender", reason: "other" }],
  ["NOT_COLLECTED_FROM_PICKUP_POINT", { status: "returning_to_sender" }],
  ["NOT_DELIVERED", { status: "returning_to_sender" }],
  ["NOT_DELIVERED_ADDRESSEE_DECEASED", { status: "exception", reason: "other" }],
  ["PARCEL_DAMAGED", { status: "exception", reason: "damaged" }],
  // disposed of by the carrier: as good as lost to the recipient
  ["PARCEL_DISPOSED", { status: "exception", reason: "lost" }],
  ["PARCEL_LOST", { status: "exception", reason: "lost" }],
  ["PARCEL_OUTSIDE_OF_SERVICE_CAPABILITY", { status: "returning_to_sender", reason: "other" }],
  ["REFUSED_BY_CUSTOMER", { status: "returning_to_sender", reason: "refused" }],
  ["RETURN_TO_SENDER", { status: "returning_to_sender" }],
  ["ADDRESS_QUERY", { status: "delayed", reason: "address_issue" }],
  ["CARRIER_DELAYS", { status: "delayed", reason: "carrier_delay" }],
  // customs is a step of an international journey, not a delay
  ["CUSTOMS_CLEARED", { status: "in_transit" }],
  ["CUSTOMS_PROCESSING", { status: "in_transit" }],
  ["DELAYED_NOT_CARRIER", { status: "delayed", reason: "other" }],
  ["DELIVERY_ARRANGED_WITH_RECIPIENT", {}],
  ["HELD_BY_CARRIER", { status: "delayed", reason: "held_at_facility" }],
  ["HELD_BY_CARRIER_FOR_CLEARANCE_PRE_PROCESSING", { status: "exception", reason: "customs" }],
  ["HELD_BY_CUSTOMS", { status: "exception", reason: "customs" }],
  ["HELD_BY_EXPORT_CUSTOMS", { status: "exception", reason: "customs" }],
  ["HELD_BY_IMPORT_CUSTOMS", { status: "exception", reason: "customs" }],
  ["HUB_SCAN_IN", {}],
  ["HUB_SCAN_OUT", {}],
  ["HUB_PROCESSING", {}],
  ["IN_TRANSIT", { status: "in_transit" }],
  ["INCORRECT_DECLARATION", { status: "delayed", reason: "other" }],
  ["INFORMATION", {}],
  ["MISSORTED", { status: "delayed", reason: "carrier_delay" }],
  ["PARCEL_OVER_LABELLED", {}],
  ["PARCEL_REDIRECTED", {}],
  ["PARCEL_REPACKED", { status: "delayed", reason: "damaged" }],
  ["PARCEL_UPDATE_NOTIFICATION_VIA_EMAIL", {}],
  ["PARCEL_UPDATE_NOTIFICATION_VIA_SMS", {}],
  ["RECEIVED_BY_CARRIER", { status: "picked_up" }],
  ["RECEIVED_LOCAL_DELIVERY_DEPOT", {}],
  ["ROUTING_ERROR", { status: "delayed", reason: "carrier_delay" }],
  ["SUB_CONTRACTOR_EVENT", {}],
  ["SUB_CONTRACTOR_RECEIVED", {}],
  ["RECD_BY_CARRIER_NO_ELEC_ADVICE", { status: "picked_up" }],
  ["AWAITING_ELECTRONIC_ADVICE", { status: "label_created" }],
  ["AWAITING_COLLECTION_FROM_PICKUP_POINT", { status: "available_for_pickup" }],
  ["COLLECT_AT_LOCAL_PO", { status: "available_for_pickup" }],
  ["CUSTOMER_TO_COLLECT_FROM_CARRIER", { status: "available_for_pickup" }],
  // in a locker: the carrier calls it delivered (DE) or a service point (SP); whichever it said stands
  ["DELIVERED_TO_LOCKER_COLLECTION_POINT", {}],
  ["DELIVERY_SCHEDULED", {}],
  ["DELIVERY_RESCHEDULED", { status: "delayed", reason: "carrier_delay" }],
  // ShipEngine itself could not read the carrier's status: the coarse one is all there is
  ["CARRIER_STATUS_NOT_MAPPED", {}],
]);

const clean = (value: string | null | undefined) => (value ?? "").trim().toLowerCase();

/** The raw code kept for an event: `status_code/status_detail_code`, or the status code alone when there is no detail. */
export const shipEngineCode = statusDetailCode;

/**
 * Reads one ShipEngine code (see {@link shipEngineCode}) and the carrier's message. The detail, when ShipEngine gives
 * one, is the more precise word and wins; an unknown status or detail is "unknown" and unmapped (shown in the inbox),
 * never a guess.
 */
export function normalizeShipEngine(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  const code = clean(input.code) || null;
  const [rawStatus, rawDetail] = code ? (code.split("/", 2) as [string, string | undefined]) : [null, undefined];
  const coarse = rawStatus ? SHIPENGINE_STATUS_TABLE.get(rawStatus) : undefined;
  const detail = rawDetail ? SHIPENGINE_DETAIL_TABLE.get(rawDetail) : {};
  const mapped = code === null || (coarse !== undefined && detail !== undefined);
  const fromMessage = reasonFromMessage(input.message);
  const reason = detail?.reason ?? fromMessage.reason;
  let status: ShipmentStatus = "unknown";
  if (mapped && coarse !== undefined) status = detail?.status ?? coarse;
  status = refineWithMessage(status, code !== null, fromMessage.impliedStatus, reason);
  return { status, reason: STATUSES_WITHOUT_REASON.has(status) ? null : reason, code, mapped };
}

/** One event of a `track` webhook, as Shipwatch keeps it. */
export interface ShipEngineScan {
  code: string | null;
  message: string | null;
  happenedAt: number;
  location: string | null;
}

/** "Austin, TX, US": the same shape Shopify's fulfillment events give a location, so the two can be compared. */
export function shipEngineLocation(e: { city_locality?: string | null; state_province?: string | null; country_code?: string | null }): string | null {
  const parts = [e.city_locality, e.state_province, e.country_code].map((p) => p?.trim()).filter((p): p is string => !!p);
  return parts.length ? parts.join(", ") : null;
}

/** The stable key of one event: ShipEngine resends the whole event list with each update, and gives events no id. */
export function shipEngineScanKey(trackingNumber: string, scan: ShipEngineScan): string {
  return `shipengine:${trackingNumber}:${scan.happenedAt}:${scan.code ?? ""}`;
}

/**
 * Shipwatch's carrier codes as ShipEngine's `carrier_code` for `POST /v1/tracking/start`. ShipEngine needs one (it does
 * not detect the carrier), so a carrier without a code here ("other") cannot be registered with ShipEngine.
 */
const SHIPENGINE_CARRIERS: ReadonlyMap<string, string> = buildTable<string>([
  ["ups", "ups"],
  // USPS is tracked through ShipEngine's Stamps.com connection
  ["usps", "stamps_com"],
  ["fedex", "fedex"],
  ["dhl", "dhl_express"],
  ["canada_post", "canada_post"],
  ["ontrac", "ontrac"],
  ["amazon", "amazon_shipping_us"],
  ["royal_mail", "royal_mail"],
  ["australia_post", "australia_post"],
  ["purolator", "purolator_canada"],
  ["lasership", "lasership"],
]);

export function shipEngineCarrierOf(carrierCode: string): string | null {
  return SHIPENGINE_CARRIERS.get(carrierCode) ?? null;
}
