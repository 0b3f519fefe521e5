import { z } from "zod";
import { feedDateTime, feedText } from "./feed-payload-fields";

/**
 * AfterShip's tracking webhook body (docs: Tracking 2026-07, "Webhook Specifications"): `event` names what happened
 * (`tracking_update`, `edd_revise`, …), `event_id` identifies the delivery, `msg` is the Tracking, whose
 * `checkpoints[]` are the carrier's scans. Only what Shipwatch reads is checked; AfterShip adds fields freely.
 */
const text = feedText;
const dateTime = feedDateTime;

const Checkpoint = z
  .object({
    checkpoint_time: dateTime,
    tag: z.string().max(100).nullish(),
    subtag: z.string().max(100).nullish(),
    message: text.nullish(),
    city: text.nullish(),
    state: text.nullish(),
    // `country_region` in the current versions, `country_iso3` before
    country_region: text.nullish(),
    country_iso3: text.nullish(),
    location: text.nullish(),
  })
  .passthrough();

export const AfterShipTracking = z
  .object({
    id: z.string().max(100).nullish(),
    tracking_number: z.string().trim().min(1).max(100),
    slug: z.string().max(100).nullish(),
    tag: z.string().max(100).nullish(),
    subtag: z.string().max(100).nullish(),
    checkpoints: z.array(Checkpoint).max(1000).default([]),
    // the next carrier after a hand-off: `[{ slug, tracking_number, source? }]` (Tracking API "Next couriers"). Read
    // entry by entry in domain/hand-offs.ts; a malformed one is dropped there, never a reason to park the scans
    next_couriers: z.array(z.unknown()).max(20).nullish().catch(null),
  })
  .passthrough();

export const AfterShipWebhook = z
  .object({
    event: z.string().max(100),
    event_id: z.string().max(100).nullish(),
    msg: z.unknown(),
  })
  .passthrough();

/** The events that carry a Tracking's checkpoints: `edd_revise` and `tracking_pending_time` are not scans. */
export const TRACKING_EVENTS: ReadonlySet<string> = new Set(["tracking_update"]);
