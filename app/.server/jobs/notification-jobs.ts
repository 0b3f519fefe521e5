import { z } from "zod";
import type { Notifications } from "../services/notifications";
import type { JobDefinition } from "../ports";

export const SEND_NOTIFICATION_JOB = "send-notification";

const Payload = z.object({ id: z.number().int().positive() });

/**
 * Sends one outbox message. The message row, not the job, is the authority: a duplicate job, a retry of
 * the job or a replay finds the row already sent (or being sent) and does nothing. Provider failures are
 * retried by the notifications service itself (it knows Retry-After); a thrown error here is storage
 * trouble, which the queue retries. A message already handed to the provider when that happens stays "in
 * flight" until its lease runs out, and is then settled as in doubt (docs/decisions/0005-in-doubt-sends.md).
 */
export function sendNotificationJob(deps: { notifications: Notifications }): JobDefinition {
  return {
    name: SEND_NOTIFICATION_JOB,
    async handle(payload, ctx) {
      const { id } = Payload.parse(payload);
      await deps.notifications.send(ctx.shop, id);
    },
  };
}
