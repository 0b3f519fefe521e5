import { z } from "zod";
import type { TrackingFeeds } from "../services/tracking-feeds";
import { REGISTER_AFTERSHIP_TRACKING_JOB, REGISTER_TRACKER_JOB } from "../services/tracking-feeds";
import { UnrecoverableJobError, type JobDefinition } from "../ports";

const RegisterTrackerPayload = z.object({ trackingNumber: z.string().min(1).max(100), carrier: z.string().min(1).max(50) });

/**
 * Registers an EasyPost tracker for a new parcel. EasyPost busy or down (429, 5xx, no answer): the queue tries
 * again with backoff. EasyPost refusing (a 4xx): parked at once with EasyPost's words, for an operator to read
 * and replay once the connection is mended.
 */
export function registerTrackerJob(deps: { feeds: Pick<TrackingFeeds, "registerTracker"> }): JobDefinition {
  return {
    name: REGISTER_TRACKER_JOB,
    async handle(payload, ctx) {
      const parsed = RegisterTrackerPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`bad payload: ${parsed.error.issues[0]!.message}`);
      const result = await deps.feeds.registerTracker(ctx.shop, parsed.data);
      if (result.outcome === "retry") throw new Error(result.message);
      if (result.outcome === "refused") throw new UnrecoverableJobError(result.message);
    },
  };
}

/** Registers an AfterShip tracking for a new parcel, retried and parked exactly like {@link registerTrackerJob}. */
export function registerAfterShipTrackingJob(deps: { feeds: Pick<TrackingFeeds, "registerAfterShipTracking"> }): JobDefinition {
  return {
    name: REGISTER_AFTERSHIP_TRACKING_JOB,
    async handle(payload, ctx) {
      const parsed = RegisterTrackerPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableJobError(`bad payload: ${parsed.error.issues[0]!.message}`);
      const result = await deps.feeds.registerAfterShipTracking(ctx.shop, parsed.data);
      if (result.outcome === "retry") throw new Error(result.message);
      if (result.outcome === "refused") throw new UnrecoverableJobError(result.message);
    },
  };
}
