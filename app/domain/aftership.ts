/**
 * AfterShip's tracking vocabulary, read into Shipwatch's status + reason. Each checkpoint carries a `tag` (the
 * delivery status: InTransit, Exception, …) and a `subtag` (the sub-status: `Exception_011`, …). The raw code
 * Shipwatch keeps (and shows for mapping) is the subtag, lower-cased, or the tag alone when there is no subtag, so a
 * merchant can map one sub-status without touching the others.
 * Sources: AfterShip Tracking API 2026-07, "Delivery statuses" and "Delivery sub-statuses"
 * (see /work/shared/reference/status-taxonomies.md).
 */
import { buildTable, reasonFromMessage, refineWithMessage, STATUSES_WITHOUT_REASON, type NormalizedStatus } from "./normalize";
import type { CarrierCode } from "./carriers";
import type { ShipmentStatus, StatusReason } from "./status";

interface Reading {
  status: ShipmentStatus;
  reason?: StatusReason;
}

/** AfterShip's code table: each tag (a checkpoint without a subtag) and each subtag, once. */
export const AFTERSHIP_TABLE: ReadonlyMap<string, Reading> = buildTable<Reading>([
  // tags
  ["Pending", { status: "unknown" }],
  ["InfoReceived", { status: "label_created" }],
  ["InTransit", { status: "in_transit" }],
  ["OutForDelivery", { status: "out_for_delivery" }],
  ["AttemptFail", { status: "attempted_delivery" }],
  ["Delivered", { status: "delivered" }],
  ["AvailableForPickup", { status: "available_for_pickup" }],
  ["Exception", { status: "exception" }],
  // no news for 30 days: nothing is known about the parcel any more
  ["Expired", { status: "unknown" }],
  // sub-statuses
  ["Pending_001", { status: "unknown" }],
  ["InfoReceived_001", { status: "label_created" }],
  ["InTransit_001", { status: "in_transit" }],
  // the carrier's first scan of the parcel
  ["InTransit_002", { status: "picked_up" }],
  ["InTransit_003", { status: "in_transit" }],
  ["InTransit_004", { status: "in_transit" }],
  ["InTransit_005", { status: "in_transit" }],
  // customs clearance is a step of an international journey, not a delay
  ["InTransit_006", { status: "in_transit" }],
  ["InTransit_007", { status: "in_transit" }],
  ["InTransit_008", { status: "in_transit" }],
  ["InTransit_009", { status: "in_transit", reason: "address_issue" }],
  ["OutForDelivery_001", { status: "out_for_delivery" }],
  ["OutForDelivery_003", { status: "out_for_delivery" }],
  ["OutForDelivery_004", { status: "out_for_delivery" }],
  ["AttemptFail_001", { status: "attempted_delivery" }],
  ["AttemptFail_002", { status: "attempted_delivery", reason: "recipient_unavailable" }],
  ["AttemptFail_003", { status: "attempted_delivery", reason: "business_closed" }],
  ["Delivered_001", { status: "delivered" }],
  ["Delivered_002", { status: "delivered" }],
  ["Delivered_003", { status: "delivered" }],
  ["Delivered_004", { status: "delivered" }],
  ["Delivered_005", { status: "delivered" }],
  ["AvailableForPickup_001", { status: "available_for_pickup" }],
  ["Exception_001", { status: "exception" }],
  ["Exception_002", { status: "exception", reason: "address_issue" }],
  ["Exception_003", { status: "exception", reason: "refused" }],
  ["Exception_004", { status: "delayed", reason: "customs" }],
  ["Exception_005", { status: "delayed", reason: "carrier_delay" }],
  ["Exception_006", { status: "exception", reason: "customs" }],
  ["Exception_007", { status: "exception", reason: "address_issue" }],
  ["Exception_008", { status: "exception", reason: "other" }],
  ["Exception_009", { status: "exception", reason: "other" }],
  ["Exception_010", { status: "returning_to_sender" }],
  ["Exception_011", { status: "returned_to_sender" }],
  ["Exception_012", { status: "exception", reason: "damaged" }],
  ["Exception_013", { status: "exception", reason: "lost" }],
  ["Exception_016", { status: "delayed", reason: "carrier_delay" }],
  ["Exception_017", { status: "delayed", reason: "weather" }],
  ["Exception_018", { status: "exception", reason: "customs" }],
  ["Exception_019", { status: "delayed", reason: "carrier_delay" }],
  ["Exception_020", { status: "exception" }],
  ["Exception_021", { status: "exception", reason: "lost" }],
  ["Expired_001", { status: "unknown" }],
]);

const clean = (value: string | null | undefined) => (value ?? "").trim().toLowerCase();

/** The raw code kept for a checkpoint: its subtag, or its tag when it has none. */
export function afterShipCode(tag: string | null | undefined, subtag: string | null | undefined): string | null {
  return clean(subtag) || clean(tag) || null;
}

/**
 * Reads one AfterShip code (see {@link afterShipCode}) and the carrier's message. A code nobody knows is "unknown"
 * and unmapped (shown in the inbox), never a guess.
 */
export function normalizeAfterShip(input: { code: string | null | undefined; message?: string | null }): NormalizedStatus {
  const code = clean(input.code) || null;
  const reading = code === null ? undefined : AFTERSHIP_TABLE.get(code);
  const mapped = code === null || reading !== undefined;
  const fromMessage = reasonFromMessage(input.message);
  const reason = reading?.reason ?? fromMessage.reason;
  const status = refineWithMessage(reading?.status ?? "unknown", code !== null, fromMessage.impliedStatus, reason);
  return { status, reason: STATUSES_WITHOUT_REASON.has(status) ? null : reason, code, mapped };
}

/** One checkpoint as Shipwatch keeps it. */
export interface AfterShipScan {
  code: string | null;
  message: string | null;
  happenedAt: number;
  location: string | null;
}

/** "Reno, NV, USA": city, state and country as the checkpoint gives them, else its free-text location. */
export function afterShipLocation(c: { city?: string | null; state?: string | null; country_iso3?: string | null; location?: string | null }): string | null {
  const parts = [c.city, c.state, c.country_iso3].map((p) => p?.trim()).filter((p): p is string => !!p);
  if (parts.length) return parts.join(", ");
  return c.location?.trim() || null;
}

/** The stable key of one checkpoint: AfterShip resends every checkpoint with each update. */
export function afterShipScanKey(trackingNumber: string, scan: AfterShipScan): string {
  return `aftership:${trackingNumber}:${scan.happenedAt}:${scan.code ?? ""}`;
}

/** Shipwatch's carrier codes as AfterShip's courier slugs (null: AfterShip detects the courier). */
const AFTERSHIP_SLUGS: ReadonlyMap<string, string> = buildTable<string>([
  ["ups", "ups"],
  ["usps", "usps"],
  ["fedex", "fedex"],
  ["dhl", "dhl"],
  ["canada_post", "canada-post"],
  ["ontrac", "ontrac"],
  ["amazon", "amazon"],
  ["royal_mail", "royal-mail"],
  ["australia_post", "australia-post"],
  ["purolator", "purolator"],
  ["lasership", "lasership"],
]);

export function afterShipSlugOf(carrierCode: string): string | null {
  return AFTERSHIP_SLUGS.get(carrierCode) ?? null;
}

/** An AfterShip courier slug as Shipwatch's carrier code (null: a courier Shipwatch has no code for). */
export function afterShipCarrierOf(slug: string): CarrierCode | null {
  const wanted = slug.trim().toLowerCase();
  for (const [code, known] of AFTERSHIP_SLUGS) if (known === wanted) return code as CarrierCode;
  return null;
}
