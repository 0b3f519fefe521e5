import type { DeliveryRepository, StoredDelivery } from "../services/ports";
import type { Database } from "./db/database";

const REDACTED_BODY = '{"redacted":true}';

export function createDeliveryRepository({ db }: Database): DeliveryRepository {
  const columns = ["id", "shop", "topic", "webhookId", "body", "status", "receivedAt", "triggeredAt"] as const;
  return {
    async get(id) {
      return ((await db.selectFrom("WebhookDelivery").select(columns).where("id", "=", id).executeTakeFirst()) ??
        null) as StoredDelivery | null;
    },
    async markProcessed(id, outcome, at) {
      await db
        .updateTable("WebhookDelivery")
        .set((eb) => ({
          status: outcome.status,
          processedAt: at,
          orderId: outcome.orderId ?? null,
          error: outcome.note ?? null,
          attempts: eb("attempts", "+", 1),
          ...(outcome.scrubBody ? { body: REDACTED_BODY } : {}),
        }))
        .where("id", "=", id)
        .execute();
    },
    async markFailed(id, error) {
      await db
        .updateTable("WebhookDelivery")
        .set((eb) => ({ status: "failed", error: error.slice(0, 2_000), attempts: eb("attempts", "+", 1) }))
        .where("id", "=", id)
        .execute();
    },
    async listFailed(shop, limit) {
      return (await db
        .selectFrom("WebhookDelivery")
        .select([...columns, "error"])
        .where("shop", "=", shop)
        .where("status", "=", "failed")
        .orderBy("id", "desc")
        .limit(limit)
        .execute()) as (StoredDelivery & { error: string | null })[];
    },
    async reopenFailed(shop, ids) {
      let query = db
        .updateTable("WebhookDelivery")
        .set({ status: "received", error: null })
        .where("shop", "=", shop)
        .where("status", "=", "failed");
      if (ids) query = query.where("id", "in", ids.length ? ids : [-1]);
      return (await query.returning("id").execute()).map((r) => r.id);
    },
    async scrubBodies(shop, orderIds, customerEmail) {
      let total = 0;
      if (orderIds.length) {
        const r = await db
          .updateTable("WebhookDelivery")
          .set({ body: REDACTED_BODY })
          .where("shop", "=", shop)
          .where("orderId", "in", orderIds)
          .executeTakeFirst();
        total += Number(r.numUpdatedRows);
      }
      if (customerEmail) {
        // deliveries not yet tied to an order (still queued, or failed) are found by the address itself
        const r = await db
          .updateTable("WebhookDelivery")
          .set({ body: REDACTED_BODY })
          .where("shop", "=", shop)
          .where("body", "like", `%${customerEmail.replace(/[%_]/g, "")}%`)
          .executeTakeFirst();
        total += Number(r.numUpdatedRows);
      }
      return total;
    },
    async receivedBefore(at, limit) {
      return (await db
        .selectFrom("WebhookDelivery")
        .select(columns)
        .where("status", "=", "received")
        .where("receivedAt", "<", at)
        .orderBy("id")
        .limit(limit)
        .execute()) as StoredDelivery[];
    },
  };
}
