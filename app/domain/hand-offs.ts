/**
 * Multi-leg parcels: a parcel handed from one carrier to the next under a new tracking number (DHL eCommerce to
 * USPS, UPS Mail Innovations to USPS, a relay to the national post). The sources say so in their own fields:
 * - AfterShip: a Tracking's `next_couriers[]` of `{ slug, tracking_number, source? }` (Tracking API, "Next couriers";
 *   AfterShip/tracking-sdk-nodejs model NextCouriersTracking);
 * - EasyPost: a Tracker's `carrier_detail.alternate_identifier` (Tracker object, CarrierDetail; the client libraries'
 *   CarrierDetail models), the number the parcel goes on under with the carrier that delivers it;
 * - UPS Track API: a package's `alternateTrackingNumber[]` of `{ number, type }` (Mail Innovations parcels carry the
 *   USPS number there).
 * What they send is someone else's data: anything that is not a plausible tracking number is ignored, never an error.
 */
import { CARRIERS, resolveCarrier, type CarrierCode } from "./carriers";
import { afterShipCarrierOf } from "./aftership";

export interface HandOff {
  carrierCode: CarrierCode;
  carrierName: string;
  /** upper-cased, without spaces: the form shipments are keyed by */
  trackingNumber: string;
}

/** The next carrier's first scan may take a day or two: silence is judged from this long after a hand-off. */
export const HANDOFF_GRACE_MS = 2 * 86_400_000;

/** "9400 1000 0000 0000 0000 00" and "9400100000000000000000" are one number. */
export function normalizeTrackingNumber(raw: string): string {
  return raw.replace(/\s+/g, "").toUpperCase();
}

// letters, digits, '-' and '.' from 4 to 100 characters: what AfterShip accepts as a tracking number, and wider than
// any carrier's own format
const PLAUSIBLE = /^[A-Z0-9][A-Z0-9.-]{2,98}[A-Z0-9]$/;

/**
 * One hand-off from a raw number and what the source says about the next carrier (a name or null), or null when the
 * number is not plausible or is one of the parcel's own numbers (a source repeating the parcel's number is not a
 * hand-off).
 */
export function readHandOff(input: { trackingNumber: unknown; carrierHint: string | null; ownNumbers: readonly string[] }): HandOff | null {
  if (typeof input.trackingNumber !== "string") return null;
  const trackingNumber = normalizeTrackingNumber(input.trackingNumber);
  if (!PLAUSIBLE.test(trackingNumber)) return null;
  if (input.ownNumbers.some((own) => normalizeTrackingNumber(own) === trackingNumber)) return null;
  const resolved = resolveCarrier({ trackingCompany: input.carrierHint, trackingNumber });
  return { carrierCode: resolved.carrier.code, carrierName: resolved.carrier.name, trackingNumber };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** AfterShip `next_couriers`: at most a few entries are read; a slug AfterShip names is the next carrier's name. */
export function afterShipHandOffs(nextCouriers: unknown, ownNumbers: readonly string[]): HandOff[] {
  if (!Array.isArray(nextCouriers)) return [];
  const found: HandOff[] = [];
  for (const entry of nextCouriers.slice(0, 5)) {
    if (!isRecord(entry)) continue;
    const code = typeof entry.slug === "string" ? afterShipCarrierOf(entry.slug) : null;
    const handOff = readHandOff({ trackingNumber: entry.tracking_number, carrierHint: code ? CARRIERS[code].name : null, ownNumbers });
    if (handOff) found.push(handOff);
  }
  return unique(found);
}

/** EasyPost `carrier_detail.alternate_identifier`: the carrier is read from the number itself. */
export function easyPostHandOffs(carrierDetail: unknown, ownNumbers: readonly string[]): HandOff[] {
  if (!isRecord(carrierDetail)) return [];
  const handOff = readHandOff({ trackingNumber: carrierDetail.alternate_identifier, carrierHint: null, ownNumbers });
  return handOff ? [handOff] : [];
}

/**
 * UPS `alternateTrackingNumber[]`: UPS lists other numbers of its own there too (a Mail Innovations id, a shipment
 * number), so only a number that reads as another carrier's is a hand-off.
 */
export function upsHandOffs(alternates: unknown, ownNumbers: readonly string[]): HandOff[] {
  if (!Array.isArray(alternates)) return [];
  const found: HandOff[] = [];
  for (const entry of alternates.slice(0, 5)) {
    if (!isRecord(entry)) continue;
    const handOff = readHandOff({ trackingNumber: entry.number, carrierHint: null, ownNumbers });
    if (handOff && handOff.carrierCode !== "ups" && handOff.carrierCode !== "other") found.push(handOff);
  }
  return unique(found);
}

function unique(handOffs: HandOff[]): HandOff[] {
  const seen = new Set<string>();
  return handOffs.filter((h) => !seen.has(h.trackingNumber) && seen.add(h.trackingNumber));
}

/**
 * The last carrier scan silence is measured from. After a hand-off that no scan has followed yet, the parcel is
 * between carriers, not stalled: the clock starts HANDOFF_GRACE_MS after the hand-off. A scan after the hand-off
 * (the next carrier's first) puts the clock back on the scans.
 */
export function silenceScanClock(lastCarrierScanAt: number | null, handedOffAt: number | null | undefined): number | null {
  // no scan at all is the label's silence (its own rule), which a hand-off does not change
  if (handedOffAt === null || handedOffAt === undefined || lastCarrierScanAt === null) return lastCarrierScanAt;
  if (lastCarrierScanAt > handedOffAt) return lastCarrierScanAt;
  return Math.max(lastCarrierScanAt, handedOffAt + HANDOFF_GRACE_MS);
}

/** "Handed to USPS, tracking 9400…": one plain line for the shopper's timeline and the admin's. */
export function handOffLine(leg: { carrierName: string; trackingNumber: string }): string {
  return `Handed to ${leg.carrierName}, tracking ${leg.trackingNumber}`;
}
