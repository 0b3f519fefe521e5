import { z } from "zod";
import { feedDateTime, feedText } from "./feed-payload-fields";

/**
 * EasyPost's webhook body is an Event (docs: "Events"): `description` names what happened
 * (`tracker.created`, `tracker.updated`, …) and `result` is the object it happened to, here a Tracker
 * (docs: "Trackers"), whose `tracking_details[]` are the carrier's scans. Only what Shipwatch reads is checked;
 * EasyPost adds fields freely.
 */
const text = feedText;
const isoTime = feedDateTime;

const TrackingLocation = z
  .object({ city: text.nullish(), state: text.nullish(), country: text.nullish(), zip: text.nullish() })
  .passthrough()
  .nullish();

const TrackingDetail = z
  .object({
    datetime: isoTime,
    message: text.nullish(),
    description: text.nullish(),
    status: z.string().max(100).nullish(),
    status_detail: z.string().max(100).nullish(),
    tracking_location: TrackingLocation,
  })
  .passthrough();

export const EasyPostTracker = z
  .object({
    id: z.string().max(100).nullish(),
    object: z.literal("Tracker").optional(),
    tracking_code: z.string().trim().min(1).max(100),
    carrier: z.string().max(100).nullish(),
    status: z.string().max(100).nullish(),
    status_detail: z.string().max(100).nullish(),
    est_delivery_date: isoTime.nullish(),
    tracking_details: z.array(TrackingDetail).max(1000).default([]),
    // CarrierDetail: `alternate_identifier` is the number the parcel goes on under after a hand-off (read in
    // domain/hand-offs.ts); anything malformed here is dropped, never a reason to park the scans
    carrier_detail: z.record(z.unknown()).nullish().catch(null),
  })
  .passthrough();
export type EasyPostTracker = z.infer<typeof EasyPostTracker>;

export const EasyPostEvent = z
  .object({
    id: z.string().max(100).nullish(),
    object: z.literal("Event").optional(),
    description: z.string().max(100),
    result: z.unknown(),
  })
  .passthrough();

/** The descriptions that carry a Tracker: everything else EasyPost sends (batches, refunds, …) is not ours. */
export const TRACKER_EVENTS: ReadonlySet<string> = new Set(["tracker.created", "tracker.updated"]);
