import type { ExceptionDesk, ParkedEvaluation } from "./exception-desk";
import type { Notifications } from "./notifications";

export type Sweep = ReturnType<typeof createSweep>;

/**
 * The periodic sweep as one use case: snoozed cases whose time has come go back to the queue, the
 * shipments whose next check is due are evaluated (silence is noticed here), and the outbox's
 * housekeeping runs (messages stranded by a crash are queued again, channel health is checked).
 *
 * Changed shipments are evaluated by the sweep in batches: `request` asks for one a moment ahead (so a
 * burst of deliveries is evaluated together), and this process remembers it has one pending.
 */
export function createSweep(deps: {
  desk: Pick<ExceptionDesk, "wakeSnoozed" | "sweep">;
  notifications: Pick<Notifications, "requeueStranded" | "checkChannelHealth">;
  /** orders whose handling check is due (services/fulfillment-watch.ts): fulfillment_delayed cases open and close */
  orders?: (limit: number) => Promise<{ evaluated: number }>;
  /** SLA breaches of open cases: claimed once each and queued to alert the owning team (services/sla-alerts.ts) */
  alertBreaches?: () => Promise<unknown>;
  /** tracking feeds silent well past their norm become quiet, and operations are told (services/feed-health.ts) */
  checkFeeds?: () => Promise<unknown>;
  /** queues one sweep job unless one is already waiting; at `runAt`, or now */
  schedule: (runAt?: number) => Promise<void>;
  now: () => number;
  /** how long a requested sweep waits to gather a burst of changed shipments */
  delayMs?: number;
}) {
  let pending = false;
  return {
    async request(): Promise<void> {
      if (pending) return;
      pending = true;
      try {
        await deps.schedule(deps.now() + (deps.delayMs ?? 250));
      } catch (error) {
        // not scheduled: the next request must try again, not wait for the recurring sweep
        pending = false;
        throw error;
      }
    },
    async run(limit: number): Promise<{ evaluated: number; parked: ParkedEvaluation[] }> {
      pending = false;
      await deps.desk.wakeSnoozed();
      const result = await deps.desk.sweep(limit);
      const orders = deps.orders ? await deps.orders(limit) : { evaluated: 0 };
      // after waking the snoozed (a case snoozed past its due time alerts once it is back) and evaluating
      await deps.alertBreaches?.();
      await deps.checkFeeds?.();
      await deps.notifications.requeueStranded();
      await deps.notifications.checkChannelHealth();
      // a full batch of either means more are due
      return { ...result, evaluated: Math.max(result.evaluated, orders.evaluated) };
    },
    /** a full batch means more are due: go again at once */
    again(): Promise<void> {
      return deps.schedule();
    },
  };
}
