import { z } from "zod";
import type { RegistrationOutcome, TrackingFeeds } from "../services/tracking-feeds";
import { REGISTER_AFTERSHIP_TRACKING_JOB, REGISTER_SHIPENGINE_TRACKING_JOB, REGISTER_TRACKER_JOB } from "../services/tracking-feeds";
import { FEED_HEALTH_ALERT_JOB, type FeedHealth } from "../services/feed-health";
import { UnrecoverableJobError, type JobDefinition } from "../ports";

const RegisterTrackerPayload = z.object({ trackingNumber: z.string().min(1).max(100), carrier: z.string().min(1).max(50) });
type Registration = z.infer<typeof RegisterTrackerPayload>;

/**
 * Registers a new parcel with a tracking feed. The provider busy or down (429, 5xx, no answer): the queue tries
 * again with backoff. The provider refusing (a 4xx): parked at once with its words, for an operator to read and
 * replay once the connection is mended.
 */
function registrationJob(name: string, register: (shop: string, parcel: Registration) => Promise<RegistrationOutcome>): JobDefinition {
  return {
    name,
    async handle(payload, ctx) {
      const parsed = RegisterTrackerPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`bad payload: ${parsed.error.issues[0]!.message}`);
      const result = await register(ctx.shop, parsed.data);
      if (result.outcome === "retry") throw new Error(result.message);
      if (result.outcome === "refused") throw new UnrecoverableJobError(result.message);
    },
  };
}

/** Registers an EasyPost tracker for a new parcel. */
export function registerTrackerJob(deps: { feeds: Pick<TrackingFeeds, "registerTracker"> }): JobDefinition {
  return registrationJob(REGISTER_TRACKER_JOB, (shop, parcel) => deps.feeds.registerTracker(shop, parcel));
}

/** Registers an AfterShip tracking for a new parcel. */
export function registerAfterShipTrackingJob(deps: { feeds: Pick<TrackingFeeds, "registerAfterShipTracking"> }): JobDefinition {
  return registrationJob(REGISTER_AFTERSHIP_TRACKING_JOB, (shop, parcel) => deps.feeds.registerAfterShipTracking(shop, parcel));
}

const FeedAlertPayload = z.object({
  source: z.enum(["easypost", "aftership", "shipengine"]),
  carrier: z.string().min(1).max(50),
  kind: z.enum(["quiet", "recovered"]),
  silentForMs: z.number().nonnegative(),
  normPerHour: z.number().nonnegative(),
});

/** Tells operations a feed went quiet (or recovered): Slack busy or down is retried, a refusal parked with its words. */
export function feedHealthAlertJob(deps: { health: Pick<FeedHealth, "sendAlert"> }): JobDefinition {
  return {
    name: FEED_HEALTH_ALERT_JOB,
    async handle(payload, ctx) {
      const parsed = FeedAlertPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`bad payload: ${parsed.error.issues[0]!.message}`);
      const result = await deps.health.sendAlert(ctx.shop, parsed.data);
      if (result.outcome === "retry") throw new Error(result.error);
      if (result.outcome === "refused") throw new UnrecoverableJobError(result.error);
    },
  };
}

/** Starts ShipEngine tracking updates for a new parcel. */
export function registerShipEngineTrackingJob(deps: { feeds: Pick<TrackingFeeds, "registerShipEngineTracking"> }): JobDefinition {
  return registrationJob(REGISTER_SHIPENGINE_TRACKING_JOB, (shop, parcel) => deps.feeds.registerShipEngineTracking(shop, parcel));
}
