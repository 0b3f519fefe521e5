/** Ports — what an operator watches across every shop (GET /metrics): counts and ages only, never a shop's data. */

export interface OpsCounts {
  /** webhook deliveries stored and not yet processed, and since when the oldest has waited; parked ones */
  webhooks(): Promise<{ backlog: number; oldestReceivedAt: number | null; parked: number }>;
  /** customer messages due and not yet sent, since when the oldest has been due; parked ones (Outbox → Replay) */
  messages(now: number): Promise<{ due: number; oldestDueAt: number | null; parked: number }>;
}
