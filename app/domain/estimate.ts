import { localParts, zonedTimeToUtc } from "./business-time";
import type { ShipmentStatus } from "./status";

/**
 * The delivery estimate a shopper is shown: the best one there is, never one that has passed.
 *
 * Sources, best first: the carrier's own date, then the learned estimate (what parcels like this one took
 * lately; absent until the scorecard's model gives one), then the promise of the shipping method, then none.
 * Dates are calendar days in the recipient's time zone ("YYYY-MM-DD"); a learned estimate is a window of at
 * most three days. For a parcel not yet delivered, `latest` is never before today: a passed estimate gives way
 * to the next source, or to none. Pure: `now` and the zones come in.
 */

export const ESTIMATE_SOURCES = ["carrier", "learned", "promise"] as const;
export type EstimateSource = (typeof ESTIMATE_SOURCES)[number];

/** The contract's `estimatedDelivery` (ARCHITECTURE.md, "Shipment object, added fields"). */
export interface EstimatedDelivery {
  earliest: string;
  latest: string;
  source: EstimateSource;
}

export interface EstimateInput {
  now: number;
  /** the recipient's time zone (zoneForDestination) */
  zone: string;
  status: ShipmentStatus;
  deliveredAt: number | null;
  /** the carrier's estimated delivery (the shipment's estimatedDeliveryAt) */
  carrierEta: number | null;
  /** what the learned model expects for this parcel, when it has a view */
  learned?: { earliest: number; latest: number } | null;
  /** the shipping method's promise: the end of the promised day (promisedBy) and the shop's zone it was counted in */
  promise?: { by: number; zone: string } | null;
  /** the estimate the shopper was shown last, if any */
  previous?: EstimatedDelivery | null;
}

export interface EstimateResult {
  estimatedDelivery: EstimatedDelivery | null;
  /** the end of `latest` in the recipient's zone, as an ISO time: it never reads as passed while `latest` is today */
  estimatedDeliveryAt: string | null;
  /** the estimate shown before, when this one is later ("now expected 9 December, was 7 December") */
  movedFrom: EstimatedDelivery | null;
}

/** A learned window wider than this many days says too little to show. */
export const LEARNED_WINDOW_MAX_DAYS = 3;

const DAY_MS = 86_400_000;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The best estimate to show now, its instant, and whether it moved later than the one shown before. */
export function bestEstimate(input: EstimateInput): EstimateResult {
  const previous = input.previous && validEstimate(input.previous) ? input.previous : null;
  const delivered = isDelivered(input);
  // once delivered, what the shopper was last told is the record (the carrier drops its date on delivery)
  const estimate = delivered && previous ? previous : chooseEstimate(input);
  return {
    estimatedDelivery: estimate,
    estimatedDeliveryAt: estimate ? new Date(endOfDay(estimate.latest, input.zone)).toISOString() : null,
    movedFrom: !delivered && estimate && previous && estimate.latest > previous.latest ? previous : null,
  };
}

const isDelivered = (input: EstimateInput) => input.deliveredAt !== null || input.status === "delivered";

function chooseEstimate(input: EstimateInput): EstimatedDelivery | null {
  // a parcel on its way back will not reach the shopper: no date is true
  if (input.status === "returning_to_sender" || input.status === "returned_to_sender") return null;
  const delivered = isDelivered(input);
  const today = localParts(input.now, input.zone).isoDate;
  for (const candidate of candidates(input)) {
    if (!candidate) continue;
    // what was estimated stays on record for a delivered parcel; for one still coming, a passed date is a lie
    if (delivered) return candidate;
    if (candidate.latest < today) continue;
    return candidate.earliest < today ? { ...candidate, earliest: today } : candidate;
  }
  return null;
}

function* candidates(input: EstimateInput): Generator<EstimatedDelivery | null> {
  if (input.carrierEta !== null && Number.isFinite(input.carrierEta)) {
    const day = carrierDay(input.carrierEta, input.zone);
    yield { earliest: day, latest: day, source: "carrier" };
  }
  if (input.learned) yield learnedWindow(input.learned, input.zone);
  if (input.promise && Number.isFinite(input.promise.by)) {
    // the promise is a day on the shop's calendar ("delivered by Friday"): the same day, wherever the shopper is
    const day = localParts(input.promise.by, input.promise.zone).isoDate;
    yield { earliest: day, latest: day, source: "promise" };
  }
}

/**
 * Carriers often give a date, not a time, and Shopify passes it on as that day's midnight UTC
 * ("2026-11-24T00:00:00Z"): read in a zone west of Greenwich it would be the day before. An exact UTC midnight
 * is therefore read as the date it names; any other instant is a time, and its day is the recipient's.
 */
function carrierDay(eta: number, zone: string): string {
  return eta % DAY_MS === 0 ? new Date(eta).toISOString().slice(0, 10) : localParts(eta, zone).isoDate;
}

function learnedWindow(learned: { earliest: number; latest: number }, zone: string): EstimatedDelivery | null {
  if (!Number.isFinite(learned.earliest) || !Number.isFinite(learned.latest)) return null;
  const earliest = localParts(learned.earliest, zone).isoDate;
  const latest = localParts(learned.latest, zone).isoDate;
  if (earliest > latest || daysBetween(earliest, latest) + 1 > LEARNED_WINDOW_MAX_DAYS) return null;
  return { earliest, latest, source: "learned" };
}

function validEstimate(e: EstimatedDelivery): boolean {
  return ISO_DAY.test(e.earliest) && ISO_DAY.test(e.latest) && e.earliest <= e.latest && (ESTIMATE_SOURCES as readonly string[]).includes(e.source);
}

/** Whole days from one ISO date to another. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

// Resolving a local midnight takes several Intl calls, and a page or an API answer asks for the same few days
// over and over: remembered (bounded).
const dayEnds = new Map<string, number>();
const DAY_ENDS_KEPT = 10_000;

/** The last millisecond of an ISO date in a zone. */
function endOfDay(isoDate: string, zone: string): number {
  const key = `${zone}|${isoDate}`;
  const known = dayEnds.get(key);
  if (known !== undefined) return known;
  const [year, month, day] = isoDate.split("-").map(Number) as [number, number, number];
  const end = zonedTimeToUtc({ year, month, day: day + 1 }, zone) - 1;
  if (dayEnds.size >= DAY_ENDS_KEPT) dayEnds.clear();
  dayEnds.set(key, end);
  return end;
}
