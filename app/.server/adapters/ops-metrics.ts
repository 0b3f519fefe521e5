import type { Database } from "./db/database";
import type { OpsCounts } from "../ports";

/**
 * The operator's counts, each one status at a time so that it is a range of an index ((status, receivedAt) on
 * deliveries, (status, sendAt) on messages): cheap at any size, whatever the shops' history holds.
 */
export function createOpsCounts({ db }: Database): OpsCounts {
  return {
    async webhooks() {
      const waiting = await db
        .selectFrom("WebhookDelivery")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("receivedAt").as("oldest")])
        .where("status", "=", "received")
        .executeTakeFirstOrThrow();
      const parked = await db.selectFrom("WebhookDelivery").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "failed").executeTakeFirstOrThrow();
      return { backlog: Number(waiting.n), oldestReceivedAt: waiting.oldest === null ? null : Number(waiting.oldest), parked: Number(parked.n) };
    },
    async messages(now) {
      const due = await db
        .selectFrom("Notification")
        .select((eb) => [eb.fn.countAll<number>().as("n"), eb.fn.min("sendAt").as("oldest")])
        .where("status", "=", "pending")
        .where("sendAt", "<=", now)
        .executeTakeFirstOrThrow();
      const parked = await db.selectFrom("Notification").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "=", "failed").executeTakeFirstOrThrow();
      return { due: Number(due.n), oldestDueAt: due.oldest === null ? null : Number(due.oldest), parked: Number(parked.n) };
    },
  };
}
