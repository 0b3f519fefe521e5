import type { Clock } from "~/domain/clock";
import type { HealthCheck, JobQueue, OpsCounts, QueueDepth, Readiness } from "../ports";

export interface OpsSnapshot {
  at: number;
  readiness: Readiness;
  /** deliveries stored, not yet processed: the end-to-end backlog, whichever queue carries their jobs */
  webhooks: { backlog: number; oldestReceivedAt: number | null; parked: number };
  queue: QueueDepth;
  messages: { due: number; oldestDueAt: number | null; parked: number };
}

/**
 * What an operator watches, all shops together (GET /metrics): is the app keeping up (backlogs and how long their
 * oldest has waited), is work being parked, do its stores answer. Counts and ages only: no shop's name or data.
 * The counts are read only while the database answers; a database that does not is the one thing to say then.
 */
export function createOpsMetrics(deps: { counts: OpsCounts; queue: Pick<JobQueue, "depth">; health: HealthCheck; clock: Clock }) {
  return {
    async snapshot(): Promise<OpsSnapshot | { at: number; readiness: Readiness; unavailable: true }> {
      const at = deps.clock.now();
      const readiness = await deps.health.check();
      if (!readiness.ok) return { at, readiness, unavailable: true };
      const [webhooks, queue, messages] = await Promise.all([deps.counts.webhooks(), deps.queue.depth(), deps.counts.messages(at)]);
      return { at, readiness, webhooks, queue, messages };
    },
  };
}

export type OpsMetrics = ReturnType<typeof createOpsMetrics>;
