import type { JobDefinition } from "../ports";

export const CARRIER_POLL_JOB = "carrier-poll";

/**
 * Polls the carrier APIs for the parcels whose next poll is due (an indexed column), a batch at a time, across
 * all shops. Recurring; a full batch means more are due, so it goes again at once.
 */
export function carrierPollJob(deps: { pollDue: (limit: number) => Promise<{ claimed: number }>; enqueueAgain: () => Promise<void>; batch?: number }): JobDefinition {
  const batch = deps.batch ?? 50;
  return {
    name: CARRIER_POLL_JOB,
    async handle() {
      const { claimed } = await deps.pollDue(batch);
      if (claimed === batch) await deps.enqueueAgain();
    },
  };
}
