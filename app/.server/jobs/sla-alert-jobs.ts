import { z } from "zod";
import type { SlaAlerts } from "../services/sla-alerts";
import { UnrecoverableJobError, type JobDefinition } from "../ports";

export const SEND_SLA_ALERT_JOB = "send-sla-alert";

/** an outage of Slack is retried this many times (with the queue's backoff) before the alert is parked */
export const SLA_ALERT_MAX_ATTEMPTS = 6;

const Payload = z.object({ id: z.number().int().positive() });

/**
 * Sends one SLA alert. The alert row, not the job, is the authority: a duplicate, a retry or a replay of the job finds
 * it sent (or being sent) and does nothing. Slack's 5xx and timeouts are retried by the queue; a refusal (4xx) parks
 * the job at once, and the alert says so on its case, where it can be sent again once the destination is fixed.
 */
export function sendSlaAlertJob(deps: { alerts: Pick<SlaAlerts, "send" | "parked"> }): JobDefinition {
  return {
    name: SEND_SLA_ALERT_JOB,
    async handle(payload, ctx) {
      const { id } = Payload.parse(payload);
      const result = await deps.alerts.send(ctx.shop, id);
      if (result.outcome === "retry") throw new Error(`SLA alert ${id}: ${result.error}`);
      if (result.outcome === "refused") throw new UnrecoverableJobError(`SLA alert ${id}: ${result.error}`);
    },
    async onParked(payload, ctx, error) {
      const parsed = Payload.safeParse(payload);
      if (parsed.success) await deps.alerts.parked(ctx.shop, parsed.data.id, error.message);
    },
  };
}
