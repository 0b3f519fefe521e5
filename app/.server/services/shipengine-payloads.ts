import { z } from "zod";
import { feedDateTime, feedText } from "./feed-payload-fields";

/**
 * ShipEngine's `track` webhook body (docs: "Webhooks Schema", track event; "Tracking"): `resource_type` is `API_TRACK`,
 * `data` is the tracking information: the tracking number, the latest `status_code`, the estimate, and `events[]`, the
 * carrier's scans, each with its own `status_code` / `status_detail_code` / `carrier_status_code`. Only what Shipwatch
 * reads is checked; ShipEngine adds fields freely (and sends empty strings for fields it has no value for).
 */
const text = feedText;
const dateTime = feedDateTime;
const code = z.string().max(100).nullish();

const TrackEvent = z
  .object({
    occurred_at: dateTime,
    description: text.nullish(),
    city_locality: text.nullish(),
    state_province: text.nullish(),
    country_code: text.nullish(),
    status_code: code,
    status_detail_code: code,
    status_description: text.nullish(),
    carrier_status_code: code,
    carrier_status_description: text.nullish(),
    event_code: code,
  })
  .passthrough();

export const ShipEngineTracking = z
  .object({
    tracking_number: z.string().trim().min(1).max(100),
    status_code: code,
    status_detail_code: code,
    carrier_code: code,
    // ShipEngine writes dates without a zone ("2026-04-30T00:00:00"): a day, read as UTC
    estimated_delivery_date: z
      .string()
      .max(64)
      .nullish()
      .transform((v) => (v ? Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(v) ? v : `${v}Z`) : null))
      .refine((v) => v === null || !Number.isNaN(v), "not a date-time"),
    events: z.array(TrackEvent).max(1000).default([]),
  })
  .passthrough();

export const ShipEngineWebhook = z
  .object({
    resource_type: z.string().max(100),
    resource_url: z.string().max(2000).nullish(),
    data: z.unknown(),
  })
  .passthrough();

/** The resource types that carry tracking: batches, rates and the rest are not scans. */
export const TRACK_RESOURCE_TYPES: ReadonlySet<string> = new Set(["API_TRACK"]);
