/**
 * When a parcel on a carrier API is asked about next (docs/decisions, "Direct carrier tracking"). A parcel that
 * moves slowly is asked rarely, one on the van hourly, and one that has arrived is let go two days later, once a
 * late correction would have come. Failures back off, honouring the carrier's Retry-After. Pure: the caller
 * passes the time in.
 */
import type { ShipmentStatus } from "./status";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const POLL_CADENCE = {
  inTransitMs: 6 * HOUR,
  outForDeliveryMs: HOUR,
  /** after delivery: long enough for a "delivered" that was wrong to be corrected */
  afterDeliveryMs: 2 * DAY,
  /** a parcel still moving after this long is left to the silence rules */
  maxTrackingMs: 60 * DAY,
  backoffBaseMs: 5 * 60_000,
  backoffMaxMs: 6 * HOUR,
} as const;

/** The journey is over: only a correction could still come. */
const FINISHED: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["delivered", "returned_to_sender"]);
/** On the van (or at the door again): the next scan is hours away, not days. */
const HOURLY: ReadonlySet<ShipmentStatus> = new Set<ShipmentStatus>(["out_for_delivery"]);

export type PollPlan = { next: number } | { stop: "delivered" | "expired" };

export function nextPoll(input: { status: ShipmentStatus; finishedAt: number | null; startedAt: number; now: number }): PollPlan {
  const { status, now } = input;
  const expiresAt = input.startedAt + POLL_CADENCE.maxTrackingMs;
  if (FINISHED.has(status)) {
    const letGoAt = (input.finishedAt ?? now) + POLL_CADENCE.afterDeliveryMs;
    if (now >= letGoAt) return { stop: "delivered" };
    return { next: Math.min(now + POLL_CADENCE.inTransitMs, letGoAt) };
  }
  if (now >= expiresAt) return { stop: "expired" };
  const every = HOURLY.has(status) ? POLL_CADENCE.outForDeliveryMs : POLL_CADENCE.inTransitMs;
  return { next: Math.min(now + every, expiresAt) };
}

/**
 * After a failed poll (429, 5xx, no answer): 5 min, 10, 20 … up to 6 h, or the carrier's Retry-After when it asks
 * for longer. `attempts` counts the failures in a row, this one included.
 */
export function backoffUntil(input: { attempts: number; retryAfterMs: number | null; now: number }): number {
  const exponent = Math.max(0, Math.min(input.attempts - 1, 20));
  const backoff = Math.min(POLL_CADENCE.backoffBaseMs * 2 ** exponent, POLL_CADENCE.backoffMaxMs);
  return input.now + Math.max(backoff, input.retryAfterMs ?? 0);
}

/** A token bucket: `capacity` calls at once, then one every `intervalMs`. State is the caller's; time is passed in. */
export interface TokenBucket {
  tokens: number;
  at: number;
}

export function takeToken(bucket: TokenBucket, limit: { capacity: number; intervalMs: number }, now: number): { ok: true } | { ok: false; retryAt: number } {
  const refilled = Math.min(limit.capacity, bucket.tokens + Math.max(0, now - bucket.at) / limit.intervalMs);
  bucket.tokens = refilled;
  // a bucket shared by workers may be read by one whose clock is behind: its time never goes back (nor refills twice)
  bucket.at = Math.max(bucket.at, now);
  if (refilled >= 1) {
    bucket.tokens = refilled - 1;
    return { ok: true };
  }
  return { ok: false, retryAt: now + Math.ceil((1 - refilled) * limit.intervalMs) };
}
